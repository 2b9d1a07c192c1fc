package io.qreplicator.sink.standby;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the standby's foreign keys that cascade ({@code ON DELETE/UPDATE CASCADE}, {@code SET NULL},
 * {@code SET DEFAULT}).
 *
 * <p>Why they matter: the primary does not write the rows a cascade changes to its binlog (MariaDB's
 * own replica re-runs the cascade because it applies with foreign-key checks on), and the sink
 * applies with {@code foreign_key_checks=0}, so a cascade that fires on the primary leaves the
 * standby with rows the primary no longer has. Until the sink can re-run cascades, a standby with
 * such keys is refused at start, and DDL that adds one stops the sink, unless
 * {@code apply.allow-cascading-foreign-keys} says they never fire.
 */
public final class CascadingForeignKeys {
    /** Between two words of the clause: white space and comments. */
    private static final String GAP = "(?:\\s|/\\*.*?\\*/|#[^\\n]*\\n|--(?=\\s)[^\\n]*\\n)+";
    /** A statement that may declare a cascading key: only those are followed by a look at the standby. */
    private static final Pattern DECLARES = Pattern.compile("\\bON" + GAP + "(DELETE|UPDATE)" + GAP + "(CASCADE|SET" + GAP
            + "(NULL|DEFAULT))\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private CascadingForeignKeys() {
    }

    /** Each cascading key as {@code db.table (constraint -> parent ON DELETE CASCADE)}, sorted. */
    public static List<String> find(Connection c) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE"
                        + " FROM information_schema.REFERENTIAL_CONSTRAINTS"
                        + " WHERE DELETE_RULE NOT IN ('RESTRICT', 'NO ACTION') OR UPDATE_RULE NOT IN ('RESTRICT', 'NO ACTION')"
                        + " ORDER BY 1, 2, 3")) {
            while (rs.next()) {
                String rules = (cascades(rs.getString(5)) ? " ON DELETE " + rs.getString(5) : "")
                        + (cascades(rs.getString(6)) ? " ON UPDATE " + rs.getString(6) : "");
                found.add(rs.getString(1) + "." + rs.getString(2) + " (" + rs.getString(3) + " -> " + rs.getString(4) + rules + ")");
            }
        }
        return found;
    }

    /** True if {@code sql} may declare a cascading key (a cheap test before {@link #find}). */
    public static boolean mayDeclare(String sql) {
        return DECLARES.matcher(io.qreplicator.core.sql.ExecutableComments.open(sql)).find();
    }

    /** What is wrong and what to do, naming up to five of the keys found. */
    public static String explain(List<String> found) {
        return "foreign keys that cascade: " + String.join(", ", found.subList(0, Math.min(5, found.size())))
                + (found.size() > 5 ? " and " + (found.size() - 5) + " more" : "")
                + ". The primary does not log the rows a cascade changes, and the sink applies without re-running"
                + " cascades, so the standby would keep rows the primary removed or changed. Replicate schemas without"
                + " cascading foreign keys, or, if the cascades never fire (e.g. ON UPDATE CASCADE on keys that never"
                + " change), set apply.allow-cascading-foreign-keys: true for this sink";
    }

    private static boolean cascades(String rule) {
        return !"RESTRICT".equals(rule) && !"NO ACTION".equals(rule);
    }
}
