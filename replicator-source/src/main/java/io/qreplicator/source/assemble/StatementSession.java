package io.qreplicator.source.assemble;

import io.qreplicator.core.model.Statement;
import io.qreplicator.core.sql.SqlModes;
import io.qreplicator.source.binlog.QueryStatusVars;
import io.qreplicator.source.binlog.UnsupportedEventException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The primary session a statement ran in, as the session variables the sink sets before replaying
 * it, as a native replica does: the statement's time (so that {@code ADD COLUMN ... DEFAULT
 * CURRENT_TIMESTAMP} fills existing rows with the primary's time, not the standby's apply time), its
 * time zone, its sql_mode by name (DDL written under ANSI_QUOTES or a lenient mode applies), its
 * connection and server collations, lc_time_names, explicit_defaults_for_timestamp and (MariaDB)
 * check_constraint_checks. For an account statement, also the account it ran for
 * ({@link Statement#INVOKER}), which is no variable: the sink runs the statement for it. The
 * character set of the text itself is handled where it is decoded (the sink receives it as Unicode).
 */
final class StatementSession {
    private static final Logger log = LoggerFactory.getLogger(StatementSession.class);
    private static final Set<Integer> WARNED = ConcurrentHashMap.newKeySet();

    private StatementSession() {
    }

    /**
     * @param eventTimeMillis the QUERY event's header time (whole seconds)
     * @param where           the event's place, for messages
     * @param account         the statement is an account statement (CREATE USER, GRANT...)
     */
    static Map<String, String> of(QueryStatusVars v, long eventTimeMillis, boolean mariadb, String where, boolean account) {
        if (v == QueryStatusVars.NONE) {
            return Map.of();
        }
        if (v.unknownCode() >= 0 && WARNED.add(v.unknownCode())) {
            log.warn("a QUERY event at {} carries status variable {}, which the source does not know: the session"
                    + " variables after it in the event are not replayed with its statements", where, v.unknownCode());
        }
        Map<String, String> m = new LinkedHashMap<>();
        long seconds = eventTimeMillis / 1000;
        m.put("timestamp", v.microseconds() >= 0 ? seconds + "." + String.format(Locale.ROOT, "%06d", v.microseconds())
                : Long.toString(seconds));
        if (v.timeZone() != null) {
            m.put("time_zone", quote(v.timeZone()));
        }
        if (v.sqlMode() >= 0) {
            try {
                m.put("sql_mode", quote(SqlModes.names(v.sqlMode(), mariadb)));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedEventException("the statement at " + where + " ran under an sql_mode the source cannot"
                        + " name: " + e.getMessage());
            }
        }
        if (v.collationConnection() > 0) {
            m.put("collation_connection", Integer.toString(v.collationConnection()));
        }
        if (v.collationServer() > 0) {
            m.put("collation_server", Integer.toString(v.collationServer()));
        }
        if (v.lcTimeNames() >= 0) {
            m.put("lc_time_names", Integer.toString(v.lcTimeNames()));
        }
        if (mariadb && v.flags2() >= 0) { // an ALTER ... ADD CONSTRAINT ... CHECK over rows it fails holds only without checks
            m.put("check_constraint_checks", (v.flags2() & QueryStatusVars.OPTION_NO_CHECK_CONSTRAINT_CHECKS) != 0 ? "0" : "1");
        }
        if (v.explicitDefaultsForTimestamp() >= 0) {
            m.put("explicit_defaults_for_timestamp", Integer.toString(v.explicitDefaultsForTimestamp()));
        }
        if (account && v.invokerUser() != null && !v.invokerHost().isEmpty()) { // an empty host: a role, CURRENT_ROLE
            // written into the statement, which runs under the primary's sql_mode: a backslash is no escape under
            // NO_BACKSLASH_ESCAPES
            boolean backslashEscapes = v.sqlMode() < 0 || !m.getOrDefault("sql_mode", "").contains("NO_BACKSLASH_ESCAPES");
            m.put(Statement.INVOKER, literal(v.invokerUser(), backslashEscapes) + "@" + literal(v.invokerHost(), backslashEscapes));
        }
        return m;
    }

    private static String literal(String s, boolean backslashEscapes) {
        return "'" + (backslashEscapes ? s.replace("\\", "\\\\") : s).replace("'", "''") + "'";
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
