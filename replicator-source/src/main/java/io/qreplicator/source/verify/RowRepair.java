package io.qreplicator.source.verify;

import io.qreplicator.core.model.Statement;
import io.qreplicator.core.sql.SqlModes;
import io.qreplicator.source.snapshot.ExactLiterals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The primary's version of one row as a statement for the standby: a REPLACE of the whole row
 * (every compared column, generated ones left to the standby), or a DELETE by key when the primary
 * has no such row. Read inside the caller's snapshot, so it is the row as of that snapshot's
 * position in the stream.
 *
 * <p>Invariant: the values are exact literals built by the primary itself ({@link ExactLiterals}).
 * The statement runs on the standby with {@code time_zone='+00:00'}, a strict sql_mode that keeps a
 * zero in an AUTO_INCREMENT column, and foreign key checks off (the row becomes what the primary has,
 * its children are already there).
 */
final class RowRepair {
    private final io.qreplicator.source.snapshot.ReplicatedTables.Target table;
    private final Map<String, String> types;
    private final List<String> key;
    private final String run;

    private RowRepair(io.qreplicator.source.snapshot.ReplicatedTables.Target table, Map<String, String> types, List<String> key, String run) {
        this.table = table;
        this.types = types;
        this.key = key;
        this.run = run;
    }

    static RowRepair of(io.qreplicator.source.snapshot.ReplicatedTables.Target table, Map<String, String> types, List<String> key, String run) {
        return new RowRepair(table, types, key, run);
    }

    /** The statement, read on {@code c} (in the caller's snapshot). */
    Statement statement(Connection c) throws SQLException {
        String name = quote(table.schema()) + "." + quote(table.table());
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < table.key().size(); i++) {
            where.append(i > 0 ? " AND " : "").append(quote(table.key().get(i))).append(" = ").append(keyLiteral(key.get(i)));
        }
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
        }
        StringBuilder select = new StringBuilder("SELECT CONCAT_WS(','");
        for (String col : table.columns()) {
            select.append(", ").append(ExactLiterals.of(col, types.getOrDefault(col, "")));
        }
        select.append(") FROM ").append(name).append(" WHERE ").append(where);
        String values = null;
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select.toString())) {
            if (rs.next()) {
                values = rs.getString(1);
            }
        }
        String comment = "/* qrepl verify --repair, run " + run.replaceAll("[^A-Za-z0-9_-]", "") + " */ ";
        String sql;
        if (values == null) {
            sql = comment + "DELETE FROM " + name + " WHERE " + where;
        } else {
            StringBuilder cols = new StringBuilder();
            for (String col : table.columns()) {
                cols.append(cols.length() > 0 ? ", " : "").append(quote(col));
            }
            sql = comment + "REPLACE INTO " + name + " (" + cols + ") VALUES (" + values + ")";
        }
        Map<String, String> session = new LinkedHashMap<>();
        session.put("time_zone", "'+00:00'");
        session.put("sql_mode", "'STRICT_ALL_TABLES," + SqlModes.ROWS_AS_STORED + "'");
        session.put("foreign_key_checks", "0");
        return new Statement(table.schema(), sql, session);
    }

    /** A key value ({@code n:}, {@code x:}, {@code s:}) as a literal. */
    private static String keyLiteral(String v) {
        String value = v.substring(2);
        return switch (v.charAt(0)) {
            case 'n' -> value.matches("-?[0-9]+(\\.[0-9]+)?") ? value : "NULL";
            case 'x' -> "X'" + value + "'";
            default -> "_utf8mb4 X'" + HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)) + "'";
        };
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return table.schema() + "." + table.table() + " key " + key;
    }
}
