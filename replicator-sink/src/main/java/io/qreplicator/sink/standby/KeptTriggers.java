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
 * <p>Invariant: the rows of a stream are replaced whole, by each {@link PrimaryTriggers} record
 * read from the primary, in the same standby transaction as the checkpoint that moves past that
 * record; so after any crash they are the set of the last record applied, never a mix of two. Beside
 * them, {@code primary_triggers_state} says which record that was and what the set may lack: a
 * record saying the set could not be read leaves the rows and marks them out of date, until a set is
 * read again. No state row means no set ever arrived (a source older than the sink).
 */
public final class KeptTriggers {
    public static final String TABLE = "primary_triggers";
    public static final String STATE_TABLE = "primary_triggers_state";

    /**
     * The kept set and its state.
     *
     * @param triggers the set, in creation order
     * @param received whether any set ever arrived
     * @param seq      the record it arrived in
     * @param warning  what it may lack, or why it may be out of date ("" when nothing)
     */
    public record Kept(List<PrimaryTriggers.Trigger> triggers, boolean received, long seq, String warning) {
    }

    /**
     * The kept set's state without its definitions, for {@code qrepl status}.
     *
     * @param received   whether any set ever arrived
     * @param seq        the record it arrived in (-1 when none did)
     * @param count      how many triggers are kept
     * @param warning    what it may lack, or why it may be out of date ("" when nothing)
     * @param receivedAt when the sink applied that record, on the standby's clock (null when none did, and in
     *                   {@link #current()} after an apply)
     */
    public record Summary(boolean received, long seq, long count, String warning, String receivedAt) {
    }

    private final String schema;
    private final String stream;
    /** What the standby holds, as last loaded ({@link #refresh}) or applied; null before the first load. */
    private volatile Summary current;

    public KeptTriggers(String schema, String stream) {
        this.schema = schema;
        this.stream = stream;
    }

    private String table() {
        return "`" + schema + "`.`" + TABLE + "`";
    }

    private String stateTable() {
        return "`" + schema + "`.`" + STATE_TABLE + "`";
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
            st.execute("CREATE TABLE IF NOT EXISTS " + stateTable() + " ("
                    + " stream VARCHAR(191) NOT NULL PRIMARY KEY,"
                    + " seq BIGINT NOT NULL,"
                    + " warning TEXT NOT NULL,"
                    + " received_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                    + " COMMENT='Qreplicator: which record primary_triggers holds, and what it may lack'");
        }
    }

    /**
     * Applies {@code triggers}, the record at {@code seq}: a set read replaces the kept one, a set not
     * read marks it out of date. Call inside the transaction that applies the record.
     */
    public void apply(Connection c, long seq, PrimaryTriggers triggers) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + stateTable() + " (stream, seq, warning, received_at)"
                + " VALUES (?, ?, ?, NOW(6)) ON DUPLICATE KEY UPDATE seq = VALUES(seq), warning = VALUES(warning),"
                + " received_at = VALUES(received_at)")) {
            ps.setString(1, stream);
            ps.setLong(2, seq);
            ps.setString(3, warning(triggers));
            ps.executeUpdate();
        }
        if (triggers.read()) {
            replace(c, triggers);
        }
        // ahead of the commit by moments; a transaction that fails is applied again, or the sink stops
        Summary before = current;
        current = new Summary(true, seq, triggers.read() ? triggers.triggers().size() : before == null ? 0 : before.count(),
                warning(triggers), null); // the standby's clock is read by summary() only
    }

    private static String warning(PrimaryTriggers triggers) {
        return triggers.read() ? triggers.warning() : "the set kept is the one read before: " + triggers.warning();
    }

    /** Reads what the standby holds into {@link #current}. */
    public Summary refresh(Connection c) throws SQLException {
        current = summary(c);
        return current;
    }

    /** What the standby holds, as last {@link #refresh refreshed} or applied by this sink; null before either. */
    public Summary current() {
        return current;
    }

    private void replace(Connection c, PrimaryTriggers triggers) throws SQLException {
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

    /**
     * The kept set, in the order to create it in, and its state. On a standby whose sink predates these
     * tables, an empty set never received.
     */
    public Kept load(Connection c) throws SQLException {
        long seq = -1;
        String warning = "";
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, warning FROM " + stateTable() + " WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1);
                    warning = rs.getString(2);
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) {
                throw e;
            }
            return new Kept(List.of(), false, -1, "");
        }
        return new Kept(triggers(c), seq >= 0, seq, warning);
    }

    /** The kept set's state; on a standby whose sink predates these tables, none received. */
    public Summary summary(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT s.seq, s.warning, s.received_at, (SELECT COUNT(*) FROM " + table()
                + " t WHERE t.stream = s.stream) FROM " + stateTable() + " s WHERE s.stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Summary(true, rs.getLong(1), rs.getLong(4), rs.getString(2), rs.getString(3));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) {
                throw e;
            }
        }
        return new Summary(false, -1, 0, "", null);
    }

    /** The kept triggers of {@code schema.table}, in the primary's order (verify compares them with the primary's). */
    public List<PrimaryTriggers.Trigger> triggersOf(Connection c, String schema, String table) throws SQLException {
        return triggers(c, schema, table);
    }

    private List<PrimaryTriggers.Trigger> triggers(Connection c) throws SQLException {
        return triggers(c, null, null);
    }

    private List<PrimaryTriggers.Trigger> triggers(Connection c, String schema, String table) throws SQLException {
        List<PrimaryTriggers.Trigger> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schema_name, table_name, trigger_name, create_statement, sql_mode,"
                + " character_set_client, collation_connection FROM " + table() + " WHERE stream = ?"
                + (schema == null ? "" : " AND BINARY schema_name = ? AND BINARY table_name = ?") + " ORDER BY ordinal")) {
            ps.setString(1, stream);
            if (schema != null) {
                ps.setString(2, schema);
                ps.setString(3, table);
            }
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
