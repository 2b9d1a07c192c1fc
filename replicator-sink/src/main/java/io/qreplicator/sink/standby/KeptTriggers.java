package io.qreplicator.sink.standby;

import io.qreplicator.core.model.PrimaryTriggers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's triggers, kept on the standby as rows of the sink's {@code primary_triggers} table
 * rather than as triggers: the rows the triggers write on the primary arrive with the stream, and a
 * trigger on the standby would be set off by the sink's rows and write them twice. {@code qrepl
 * failover} creates them from here before the standby takes writes, so the new primary has the
 * triggers the old one had, as a promoted native replica does.
 *
 * <p>Invariant: the rows of a stream are replaced whole, by each {@link PrimaryTriggers} record,
 * in the same standby transaction as the checkpoint that moves past that record; so after any crash
 * they are the set of the last record applied, never a mix of two.
 */
public final class KeptTriggers {
    public static final String TABLE = "primary_triggers";

    private final String schema;
    private final String stream;

    public KeptTriggers(String schema, String stream) {
        this.schema = schema;
        this.stream = stream;
    }

    private String table() {
        return "`" + schema + "`.`" + TABLE + "`";
    }

    public void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table() + " ("
                    + " stream VARCHAR(191) NOT NULL,"
                    + " ordinal INT NOT NULL,"
                    + " schema_name VARCHAR(64) NOT NULL,"
                    + " table_name VARCHAR(64) NOT NULL,"
                    + " trigger_name VARCHAR(64) NOT NULL,"
                    + " create_statement LONGTEXT NOT NULL,"
                    + " sql_mode TEXT NOT NULL,"
                    + " character_set_client VARCHAR(64) NOT NULL,"
                    + " collation_connection VARCHAR(64) NOT NULL,"
                    + " PRIMARY KEY (stream, ordinal)"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                    + " COMMENT='Qreplicator: the primary''s triggers, created by qrepl failover (docs/failover.md)'");
        }
    }

    /** Replaces the kept set by {@code triggers}; call inside the transaction that applies the record. */
    public void replace(Connection c, PrimaryTriggers triggers) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table() + " WHERE stream = ?")) {
            ps.setString(1, stream);
            ps.executeUpdate();
        }
        if (triggers.triggers().isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table() + " (stream, ordinal, schema_name, table_name,"
                + " trigger_name, create_statement, sql_mode, character_set_client, collation_connection)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int n = 0;
            for (PrimaryTriggers.Trigger t : triggers.triggers()) {
                ps.setString(1, stream);
                ps.setInt(2, ++n);
                ps.setString(3, t.schema());
                ps.setString(4, t.table());
                ps.setString(5, t.name());
                ps.setString(6, t.statement());
                ps.setString(7, t.sqlMode());
                ps.setString(8, t.characterSetClient());
                ps.setString(9, t.collationConnection());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The kept set, in the order to create it in; empty when none was ever received (or the table is not there yet). */
    public List<PrimaryTriggers.Trigger> load(Connection c) throws SQLException {
        List<PrimaryTriggers.Trigger> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schema_name, table_name, trigger_name, create_statement, sql_mode,"
                + " character_set_client, collation_connection FROM " + table() + " WHERE stream = ? ORDER BY ordinal")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PrimaryTriggers.Trigger(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) { // a standby from before this table: nothing kept
                throw e;
            }
        }
        return out;
    }
}
