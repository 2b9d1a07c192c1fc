package io.qreplicator.source.assemble;

import io.qreplicator.core.model.Change;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * XA transactions prepared on the primary and not yet ended: their changes, by XA id.
 *
 * <p>Invariant: the standby sees an XA transaction when, and where, the primary committed it. The
 * primary logs a two-phase XA transaction as two groups: its rows with XA END and an XA_PREPARE
 * event, and later, after any number of other transactions, XA COMMIT or XA ROLLBACK alone. The rows
 * are held here from the first group (which spools as an empty transaction, so that positions move
 * on) and go to the spool as the transaction of the XA COMMIT group, at its GTID and position; an XA
 * ROLLBACK drops them. One instance outlives the binlog connections of a source (a lost connection
 * or a primary restart keeps what was prepared), but not the source itself: an XA COMMIT whose
 * XA PREPARE was read before the source last started finds nothing here and stops the source, which
 * never applies a transaction it does not hold. XA COMMIT ... ONE PHASE is an ordinary transaction.
 */
public final class PreparedXa {
    private static final Pattern XA = Pattern.compile("^XA\\s+(START|BEGIN|END|PREPARE|COMMIT|ROLLBACK)\\s*(.*?)\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ONE_PHASE = Pattern.compile("\\s+ONE\\s+PHASE$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OPTIONS = Pattern.compile("\\s+(SUSPEND(\\s+FOR\\s+MIGRATE)?|JOIN|RESUME)$", Pattern.CASE_INSENSITIVE);

    /** An XA statement: its verb (START, END, PREPARE, COMMIT, ROLLBACK), its XA id as logged, and ONE PHASE. */
    public record Statement(String verb, String xid, boolean onePhase) {
        /** @return null when {@code sql} is not an XA statement */
        static Statement parse(String sql) {
            Matcher m = XA.matcher(sql.strip());
            if (!m.matches()) {
                return null;
            }
            String rest = m.group(2);
            boolean onePhase = ONE_PHASE.matcher(rest).find();
            rest = OPTIONS.matcher(ONE_PHASE.matcher(rest).replaceFirst("")).replaceFirst("");
            String verb = m.group(1).toUpperCase(Locale.ROOT);
            return new Statement(verb.equals("BEGIN") ? "START" : verb, rest.replaceAll("\\s+", ""), onePhase);
        }
    }

    private final Map<String, List<Change>> prepared = new HashMap<>();

    synchronized void prepare(String xid, List<Change> changes) {
        prepared.put(xid, changes);
    }

    /** @return the changes prepared under {@code xid}, now ended; null when this source did not read its XA PREPARE */
    synchronized List<Change> end(String xid) {
        return prepared.remove(xid);
    }

    public synchronized int size() {
        return prepared.size();
    }
}
