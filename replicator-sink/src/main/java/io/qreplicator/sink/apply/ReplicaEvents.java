package io.qreplicator.sink.apply;

import io.qreplicator.core.sql.SqlToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Makes a replicated event disabled on the standby, as a native replica does.
 *
 * <p>A native MariaDB replica turns every event it creates or alters through replication into
 * {@code SLAVESIDE_DISABLED} ({@code DISABLE ON SLAVE}): the primary runs it, and its changes arrive
 * as rows. An event that arrived enabled would run a second time on the standby as soon as its
 * event scheduler is on (or fail there, read-only). So {@code CREATE EVENT} and {@code ALTER EVENT}
 * are run with their status clause ({@code ENABLE}, {@code DISABLE}, {@code DISABLE ON SLAVE}, or
 * none) set to {@code DISABLE ON SLAVE}, in the one statement: there is no moment in which the
 * standby holds the event enabled, and nothing to redo after a crash. At a failover, enable the
 * events on the new primary ({@code ALTER EVENT ... ENABLE}), as after native replication.
 *
 * <p>The statement is read token by token, its executable comments opened ({@code ExecutableComments})
 * and strings, quoted names and plain comments skipped whole,
 * so a name is found however it is written ({@code db.e}, {@code `db`.`e`}, after {@code OR REPLACE},
 * {@code DEFINER=...}, {@code IF NOT EXISTS}), and a word in the event's body or comment is never
 * taken for a clause: the clause goes before the top-level {@code COMMENT} or {@code DO}, in the
 * order the grammar requires, else at the end ({@code ALTER EVENT ... RENAME TO ...}). After the
 * statement, the event's status on the standby is checked ({@link #checkDisabled}): a form this
 * reading missed stops the sink instead of leaving an event that runs twice.
 */
final class ReplicaEvents {
    private ReplicaEvents() {
    }

    /** The event a statement creates or alters: its schema (null when unqualified) and name. */
    record EventName(String schema, String name) {
    }

    /** {@code sql} with the event disabled on the standby, or {@code sql} itself if it is not a CREATE or ALTER EVENT. */
    static String disabledOnReplica(String sql) {
        Parsed p = parse(sql);
        return p == null ? sql : p.rewritten();
    }

    /** The event that {@code sql} creates or alters, under its name afterwards; null if it is not a CREATE or ALTER EVENT. */
    static EventName eventOf(String sql) {
        Parsed p = parse(sql);
        return p == null ? null : p.name;
    }

    private record Parsed(String sql, EventName name, int from, int to, String clause) {
        String rewritten() {
            return sql.substring(0, from) + clause + sql.substring(to);
        }
    }

    private static Parsed parse(String sql) {
        List<SqlToken> t = SqlToken.all(io.qreplicator.core.sql.ExecutableComments.open(sql)); // positions stay those of sql
        int i = 0;
        if (is(t, i, "CREATE")) {
            i++;
            if (is(t, i, "OR") && is(t, i + 1, "REPLACE")) {
                i += 2;
            }
        } else if (is(t, i, "ALTER")) {
            i++;
        } else {
            return null;
        }
        if (is(t, i, "DEFINER")) {
            i = afterDefiner(t, i + 1);
            if (i < 0) {
                return null;
            }
        }
        if (!is(t, i, "EVENT")) {
            return null;
        }
        i++;
        if (is(t, i, "IF") && is(t, i + 1, "NOT") && is(t, i + 2, "EXISTS")) {
            i += 3;
        }
        EventName name = nameAt(t, i);
        if (name == null) {
            return null;
        }
        i += name.schema() == null ? 1 : 3;
        int depth = 0;
        for (; i < t.size(); i++) {
            SqlToken k = t.get(i);
            if (depth == 0 && k.isWord("RENAME") && is(t, i + 1, "TO") && nameAt(t, i + 2) != null) {
                name = nameAt(t, i + 2); // ALTER EVENT ... RENAME TO: the event's name afterwards
            }
            if (k.isSymbol("(")) {
                depth++;
            } else if (k.isSymbol(")")) {
                depth--;
            }
            if (depth != 0) {
                continue;
            }
            if (k.isWord("ENABLE")) {
                return new Parsed(sql, name, k.start(), k.end(), "DISABLE ON SLAVE");
            }
            if (k.isWord("DISABLE")) {
                SqlToken last = is(t, i + 1, "ON") && is(t, i + 2, "SLAVE") ? t.get(i + 2) : k;
                return new Parsed(sql, name, k.start(), last.end(), "DISABLE ON SLAVE");
            }
            if (k.isWord("COMMENT") || k.isWord("DO")) {
                return new Parsed(sql, name, k.start(), k.start(), "DISABLE ON SLAVE ");
            }
        }
        int end = sql.length();
        while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
            end--;
        }
        return new Parsed(sql, name, end, end, " DISABLE ON SLAVE");
    }

    /** The name ({@code e}, {@code s.e}, quoted or not) at token {@code i}, or null. */
    private static EventName nameAt(List<SqlToken> t, int i) {
        if (i >= t.size() || !t.get(i).isName()) {
            return null;
        }
        if (i + 2 < t.size() && t.get(i + 1).isSymbol(".") && t.get(i + 2).isName()) {
            return new EventName(t.get(i).name(), t.get(i + 2).name());
        }
        return new EventName(null, t.get(i).name());
    }

    /**
     * Checks that the event {@code sql} created or altered is disabled on the standby; stops the
     * sink if it is not (it would run there too), naming the event and the transaction.
     *
     * @param database the database that was current on the primary, for an unqualified name
     */
    static void checkDisabled(Connection c, String sql, String database, String txId) throws SQLException {
        EventName e = eventOf(sql);
        if (e == null) {
            return;
        }
        String schema = e.schema() != null ? e.schema() : database;
        try (PreparedStatement ps = c.prepareStatement("SELECT STATUS FROM information_schema.EVENTS"
                + " WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, e.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !"SLAVESIDE_DISABLED".equals(rs.getString(1))) {
                    throw new SQLException("event `" + schema + "`.`" + e.name() + "` is " + rs.getString(1) + " on the"
                            + " standby after transaction " + txId + ", which should have left it SLAVESIDE_DISABLED: it"
                            + " would run on the standby too. Run ALTER EVENT `" + schema + "`.`" + e.name() + "` DISABLE ON"
                            + " SLAVE there, report the statement, and restart the sink", "HY000", 0);
                }
            }
        }
    }

    /** The index after {@code = user[@host]} or {@code = CURRENT_USER[()]}, or -1. */
    private static int afterDefiner(List<SqlToken> t, int i) {
        if (i >= t.size() || !t.get(i).isSymbol("=")) {
            return -1;
        }
        i++;
        if (is(t, i, "CURRENT_USER")) {
            i++;
            return i + 1 < t.size() && t.get(i).isSymbol("(") && t.get(i + 1).isSymbol(")") ? i + 2 : i;
        }
        if (i >= t.size() || !(t.get(i).isName() || t.get(i).kind() == SqlToken.Kind.STRING)) {
            return -1;
        }
        i++;
        if (i + 1 < t.size() && t.get(i).isSymbol("@") && (t.get(i + 1).isName() || t.get(i + 1).kind() == SqlToken.Kind.STRING)) {
            i += 2;
        }
        return i;
    }

    private static boolean is(List<SqlToken> t, int i, String word) {
        return i < t.size() && t.get(i).isWord(word);
    }
}
