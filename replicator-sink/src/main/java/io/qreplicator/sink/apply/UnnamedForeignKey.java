package io.qreplicator.sink.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a replayed {@code ALTER TABLE t ADD FOREIGN KEY (...) REFERENCES ...} without a constraint
 * name from adding the key twice.
 *
 * <p>A DDL replayed after a crash between it and its checkpoint usually fails in a way that says it
 * is already there ({@link DdlStatements}); a named key gives "duplicate constraint name". An
 * unnamed one does not fail: MariaDB names it {@code t_ibfk_N+1} and the table ends up with two
 * identical keys, a schema the primary never had. So, only for the first transaction after a
 * resume, such a statement (the key its only clause) is passed over when the table already has a
 * foreign key on the same columns referencing the same table and columns. The one case this gets
 * wrong is a primary that added an identical key on purpose in exactly that transaction.
 */
final class UnnamedForeignKey {
    private static final Pattern ADD = Pattern.compile("(?is)^\\s*ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+"
            + "(?<table>[`\\w$.]+)\\s+ADD\\s+(?:CONSTRAINT\\s+)?FOREIGN\\s+KEY\\s*(?:[`\\w$]+\\s*)?"
            + "\\((?<cols>[^)]*)\\)\\s*REFERENCES\\s+(?<ref>[`\\w$.]+)\\s*\\((?<refcols>[^)]*)\\)[^,]*$");

    private UnnamedForeignKey() {
    }

    /**
     * True if {@code sql} adds one unnamed foreign key that the table already has.
     *
     * @param database the database that was current on the primary (for unqualified names)
     */
    static boolean alreadyPresent(Connection c, String database, String sql) throws SQLException {
        Matcher m = ADD.matcher(sql);
        if (!m.matches()) {
            return false;
        }
        String[] table = qualified(m.group("table"), database);
        String[] ref = qualified(m.group("ref"), table[0]);
        List<String> wanted = new ArrayList<>();
        List<String> cols = names(m.group("cols"));
        List<String> refCols = names(m.group("refcols"));
        if (cols.size() != refCols.size()) {
            return false; // the statement will fail on its own
        }
        for (int i = 0; i < cols.size(); i++) {
            wanted.add(lower(cols.get(i) + "->" + ref[0] + "." + ref[1] + "." + refCols.get(i)));
        }
        return existingKeys(c, table[0], table[1]).containsValue(wanted);
    }

    /** Each foreign key of the table: its columns, in order, as "col->schema.table.col" in lower case. */
    private static Map<String, List<String>> existingKeys(Connection c, String schema, String table) throws SQLException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA,"
                + " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
                + " ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(lower(rs.getString(2)) + "->"
                            + lower(rs.getString(3)) + "." + lower(rs.getString(4)) + "." + lower(rs.getString(5)));
                }
            }
        }
        return keys;
    }

    private static String[] qualified(String name, String defaultSchema) {
        String[] parts = name.split("\\.", 2);
        return parts.length == 2
                ? new String[] {unquote(parts[0]), unquote(parts[1])}
                : new String[] {defaultSchema, unquote(parts[0])};
    }

    private static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(UnnamedForeignKey::unquote).toList();
    }

    private static String unquote(String s) {
        return s.trim().replace("`", "");
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
