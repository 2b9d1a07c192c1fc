package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Statement;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs a statement in the primary session's variables, as a native replica does ({@link Statement#session()}:
 * its time, time zone, sql_mode, collations...), and gives the connection its own back afterwards,
 * whatever happened: the applier's row statements rely on its UTC session and its sql_mode.
 */
final class PrimarySession {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    /** The statement to run. */
    interface Action {
        void run() throws SQLException;
    }

    private PrimarySession() {
    }

    static void run(Connection c, Statement s, Action action) throws SQLException {
        Map<String, String> session = variables(s);
        if (session.isEmpty()) {
            action.run();
            return;
        }
        List<String> names = new ArrayList<>();
        StringBuilder read = new StringBuilder("SELECT ");
        for (String name : session.keySet()) {
            if (!name.equals("timestamp")) { // its own value would be now, frozen: it goes back to DEFAULT
                read.append(names.isEmpty() ? "" : ", ").append("@@session.").append(name);
                names.add(name);
            }
        }
        StringBuilder restore = new StringBuilder("SET SESSION timestamp=DEFAULT");
        try (java.sql.Statement st = c.createStatement()) {
            if (!names.isEmpty()) {
                try (ResultSet rs = st.executeQuery(read.toString())) {
                    rs.next();
                    for (int i = 0; i < names.size(); i++) {
                        restore.append(", ").append(names.get(i)).append('=').append(literal(rs.getString(i + 1)));
                    }
                }
            }
            StringBuilder set = new StringBuilder("SET SESSION ");
            session.forEach((name, value) -> set.append(set.length() > 12 ? ", " : "").append(name).append('=').append(value));
            st.execute(set.toString());
            boolean done = false;
            try {
                action.run();
                done = true;
            } finally {
                try {
                    st.execute(restore.toString());
                } catch (SQLException e) {
                    if (done) {
                        throw e;
                    } // else the statement's own error is the one to report; the connection is likely gone
                }
            }
        }
    }

    /** The statement's session without its {@link Statement#INVOKER}, which is no variable ({@link AccountStatements}). */
    private static Map<String, String> variables(Statement s) {
        if (!s.session().containsKey(Statement.INVOKER)) {
            return s.session();
        }
        Map<String, String> m = new java.util.LinkedHashMap<>(s.session());
        m.remove(Statement.INVOKER);
        return m;
    }

    /**
     * A value read back, as the restoring SET writes it. A string is introduced as utf8mb4: that SET is
     * read while the primary's collation_connection still holds, and under a ucs2 one a plain literal
     * would become ucs2 ({@code lc_time_names='en_US'}: "Unknown locale", main/ctype_ucs).
     */
    private static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        return NUMBER.matcher(value).matches() ? value : "_utf8mb4'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
