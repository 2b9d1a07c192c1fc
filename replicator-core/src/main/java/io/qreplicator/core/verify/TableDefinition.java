package io.qreplicator.core.verify;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A table's definition as {@code qrepl verify} compares it: the server's own {@code SHOW CREATE
 * TABLE}, under an empty {@code sql_mode} with names quoted (so the session's settings do not
 * change the text), less its {@code AUTO_INCREMENT=} counter.
 *
 * <p>Why compare it at all: rows can be equal while the tables are not. A table created under
 * session settings the binlog does not carry ({@code default_storage_engine}, for one) gets the
 * standby's default instead, an InnoDB table becomes MyISAM there, and nothing in the rows shows it
 * until the standby, promoted, loses a transaction's rollback. The same for a key, a column's type,
 * collation or default, a partitioning or a CHECK constraint someone changed on one side only.
 *
 * <p>Why the counter is left out: it is no function of the rows. The primary's moves past values
 * that rolled-back or failed inserts took, the standby's only past the rows it was given, and
 * either is right for its server.
 *
 * <p>A table's triggers are part of it ({@link #withTriggers}): the primary's as it has them, the
 * standby's as the sink keeps them for a failover to create (the standby holds none as triggers,
 * docs/failover.md), so that a trigger a failover would leave out, or create otherwise than the
 * primary has it, is a difference.
 */
public final class TableDefinition {
    private static final Pattern AUTO_INCREMENT = Pattern.compile(" AUTO_INCREMENT=\\d+");

    private TableDefinition() {
    }

    /** The definition of {@code schema.table} as {@code c}'s server shows it; the session's settings are left as they were. */
    public static String of(Connection c, String schema, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET @qrepl_sql_mode = @@SESSION.sql_mode, @qrepl_quote = @@SESSION.sql_quote_show_create,"
                    + " SESSION sql_mode = '', SESSION sql_quote_show_create = 1");
            try (ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + quote(schema) + "." + quote(table))) {
                rs.next();
                return normal(rs.getString(2));
            } finally {
                st.execute("SET SESSION sql_mode = @qrepl_sql_mode, SESSION sql_quote_show_create = @qrepl_quote");
            }
        }
    }

    /** The line that says a definition's triggers are in it: a source older than this one sends none. */
    private static final String TRIGGERS_ORDER = "TRIGGERS in order:";

    /**
     * {@code definition} with the table's triggers: a line with their names in the primary's order, then
     * a line per trigger with its name, sql_mode, character sets and statement (DEFINER included; line
     * breaks shown as \n). A trigger the primary cannot load, or triggers it could not read
     * ({@code unreadable}: what and why), have a line saying so, which the standby's side never has.
     */
    public static String withTriggers(String definition, List<io.qreplicator.core.model.PrimaryTriggers.Trigger> triggers,
                                      List<String> unreadable) {
        StringBuilder sb = new StringBuilder(definition).append('\n').append(TRIGGERS_ORDER);
        for (io.qreplicator.core.model.PrimaryTriggers.Trigger t : triggers) {
            sb.append(' ').append(quote(t.name()));
        }
        for (io.qreplicator.core.model.PrimaryTriggers.Trigger t : triggers) {
            sb.append("\nTRIGGER ").append(quote(t.name())).append(" sql_mode=").append(t.sqlMode())
                    .append(" character_set_client=").append(t.characterSetClient()).append(" collation_connection=")
                    .append(t.collationConnection()).append(": ")
                    .append(t.statement().replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n"));
        }
        for (String u : unreadable) {
            sb.append("\nTRIGGER not compared: ").append(u.replace("\n", " "));
        }
        return sb.toString();
    }

    /**
     * The standby's definition as compared with {@code primary}'s: without its trigger lines when the
     * primary's has none, as from a source older than the sink, which sends its definitions without
     * triggers (an upgrade then shows no false difference).
     */
    public static String comparable(String primary, String standby) {
        if (primary.contains("\n" + TRIGGERS_ORDER)) {
            return standby;
        }
        int at = standby.indexOf("\n" + TRIGGERS_ORDER);
        return at < 0 ? standby : standby.substring(0, at);
    }

    /** {@code SHOW CREATE TABLE}'s text as compared: without the AUTO_INCREMENT counter. */
    static String normal(String createTable) {
        return AUTO_INCREMENT.matcher(createTable).replaceAll("");
    }

    /**
     * What differs between two definitions, line by line: the lines only the primary's has and the
     * lines only the standby's has, each list joined with {@code " | "}; empty lists when they are
     * the same. Where both have the same lines in another order, the columns' order on each side:
     * a row event without column names (binlog_row_metadata below FULL) is matched to the standby's
     * columns by position, so a moved column is a difference even where no line is.
     */
    public static Difference difference(String primary, String standby) {
        Set<String> p = lines(primary);
        Set<String> s = lines(standby);
        if (p.equals(s)) {
            // the same lines: only the columns' order matters (keys listed in another order are the same keys)
            String pc = columns(p);
            String sc = columns(s);
            return pc.equals(sc) ? new Difference("", "") : new Difference("column order " + pc, "column order " + sc);
        }
        List<String> onlyPrimary = new ArrayList<>();
        for (String l : p) {
            if (!s.contains(l)) {
                onlyPrimary.add(l);
            }
        }
        List<String> onlyStandby = new ArrayList<>();
        for (String l : s) {
            if (!p.contains(l)) {
                onlyStandby.add(l);
            }
        }
        return new Difference(String.join(" | ", onlyPrimary), String.join(" | ", onlyStandby));
    }

    /** The lines of one definition that the other lacks: {@code primary}'s and {@code standby}'s. */
    public record Difference(String primary, String standby) {
        public boolean none() {
            return primary.isEmpty() && standby.isEmpty();
        }
    }

    /** The column names among a definition's lines, in their order. */
    private static String columns(Set<String> lines) {
        List<String> names = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("`")) {
                names.add(l.substring(0, l.indexOf('`', 1) + 1));
            }
        }
        return String.join(", ", names);
    }

    private static Set<String> lines(String definition) {
        Set<String> lines = new LinkedHashSet<>();
        for (String l : definition.split("\n")) {
            String t = l.strip();
            // a column or key line ends with a comma unless it is the last: the same line either way
            lines.add(t.endsWith(",") ? t.substring(0, t.length() - 1) : t);
        }
        return lines;
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
