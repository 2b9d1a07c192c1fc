package io.qreplicator.core.role;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Which direction of a shard replicates: the role table {@code SCHEMA.source_role}, one row per
 * role change of one source, never updated, newest epoch wins.
 *
 * <p>Invariant: a source ships exactly the transactions between its activation's start position
 * and its stand-down row, nothing of its primary's binlog outside those, so a pair of sources
 * shipping in opposite directions never sends the application's transactions back where they came
 * from. (Role rows of the other source, which only a rolled-back switchover leaves in that stretch,
 * are taken out of what it ships: the other server holds them already.)
 * <ul>
 *   <li><b>Stand-down.</b> {@code qrepl switchover} writes the row {@code (source, epoch, active=0)}
 *       on the source's own primary, read-only by then: it is the last transaction there. The source
 *       reads it in the binlog like any other change, spools it, and spools nothing after it
 *       ({@link #standDownEpoch}). Its sink applies it, so the row showing on the standby proves that
 *       everything before it is applied there: the switchover waits for exactly that.</li>
 *   <li><b>Activation.</b> A row {@code (source, epoch, active=1, start)} on the source's primary makes a
 *       dormant source ship again: from {@code start} when given (the new primary's position at the
 *       moment it took over), else from where it stood down (a switchover that rolled back).</li>
 *   <li>Epochs only grow, across both sources of a pair: {@link #nextEpoch} reads both primaries.</li>
 * </ul>
 * The table travels with the stream (it passes every filter, like the heartbeat), so each side holds
 * the rows of both directions, and a sink reads its source's role from its own standby. Without a
 * row a source is active, unless its link is declared the reverse of another ({@code reverse-of}).
 */
public final class SourceRoles {
    public static final String TABLE = "source_role";
    private static final int NO_SUCH_TABLE = 1146; // ER_NO_SUCH_TABLE

    private SourceRoles() {
    }

    /**
     * One role change.
     *
     * @param start where an activated source starts; null to resume where it stood down (or for a stand-down)
     * @param run   the switchover run that wrote it
     */
    public record Role(String source, long epoch, boolean active, SourcePosition start, String run) {
        /** The role of a source no switchover has touched. */
        public static Role initial(String source, boolean reverse) {
            return new Role(source, 0, !reverse, null, "");
        }
    }

    public static String qualified(String schema) {
        return "`" + schema + "`.`" + TABLE + "`";
    }

    /** Creates the table when it is missing (asked first: CREATE ... IF NOT EXISTS is logged even when it does nothing). */
    public static void createIfMissing(Connection c, String schema) throws SQLException {
        if (exists(c, schema)) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
            st.execute("CREATE TABLE IF NOT EXISTS " + qualified(schema) + " (source VARCHAR(191) NOT NULL,"
                    + " epoch BIGINT NOT NULL, active TINYINT NOT NULL, start_gtid VARCHAR(4096) NOT NULL DEFAULT '',"
                    + " start_file VARCHAR(255) NOT NULL DEFAULT '', start_pos BIGINT NOT NULL DEFAULT 0,"
                    + " run VARCHAR(191) NOT NULL DEFAULT '', at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                    + " PRIMARY KEY (source, epoch)) ENGINE=InnoDB COMMENT='Qreplicator: which source ships (docs/failover.md)'");
        }
    }

    public static boolean exists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** The newest role change of {@code source} this server holds, or {@code fallback} when it holds none. */
    public static Role latest(Connection c, String schema, String source, Role fallback) throws SQLException {
        if (!exists(c, schema)) {
            return fallback;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch, active, start_gtid, start_file, start_pos, run FROM "
                + qualified(schema) + " WHERE source = ? ORDER BY epoch DESC LIMIT 1")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return fallback;
                }
                boolean active = rs.getInt(2) != 0;
                String gtid = rs.getString(3);
                String file = rs.getString(4);
                SourcePosition start = active && (!gtid.isEmpty() || !file.isEmpty())
                        ? new SourcePosition("", gtid, file, rs.getLong(5)) : null;
                return new Role(source, rs.getLong(1), active, start, rs.getString(6));
            }
        }
    }

    /** The highest epoch of any of {@code sources} on this server, 0 when none. */
    public static long maxEpoch(Connection c, String schema, List<String> sources) throws SQLException {
        if (!exists(c, schema) || sources.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(epoch), 0) FROM " + qualified(schema)
                + " WHERE source IN (" + String.join(",", java.util.Collections.nCopies(sources.size(), "?")) + ")")) {
            for (int i = 0; i < sources.size(); i++) {
                ps.setString(i + 1, sources.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Writes a role change, as one transaction of its own in the server's binlog. */
    public static void write(Connection c, String schema, Role r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified(schema)
                + " (source, epoch, active, start_gtid, start_file, start_pos, run) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.source());
            ps.setLong(2, r.epoch());
            ps.setInt(3, r.active() ? 1 : 0);
            ps.setString(4, r.start() == null ? "" : r.start().gtidState());
            ps.setString(5, r.start() == null ? "" : r.start().binlogFile());
            ps.setLong(6, r.start() == null ? 0 : r.start().binlogPosition());
            ps.setString(7, r.run());
            ps.executeUpdate();
        }
    }

    /**
     * Whether a row {@code (source, epoch)} is on this server (a role change that has travelled
     * here); one statement. A table that does not exist yet is "no" too (a role table whose CREATE
     * has not reached this server).
     */
    public static boolean holds(Connection c, String schema, String source, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + qualified(schema) + " WHERE source = ? AND epoch = ?")) {
            ps.setString(1, source);
            ps.setLong(2, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The epoch of the stand-down row of {@code source} this transaction inserts, or -1 when it holds
     * none: after it the source spools nothing more.
     */
    public static long standDownEpoch(Transaction tx, String schema, String source) {
        long found = -1;
        for (Change ch : tx.changes()) {
            if (!(ch instanceof RowChange rc) || rc.kind() != RowChange.Kind.INSERT
                    || !rc.table().schema().equalsIgnoreCase(schema) || !rc.table().table().equalsIgnoreCase(TABLE)) {
                continue;
            }
            int src = column(rc, "source");
            int epoch = column(rc, "epoch");
            int active = column(rc, "active");
            if (src < 0 || epoch < 0 || active < 0) {
                continue; // columns not named here: the sink names them, and the switchover waits in vain, then rolls back
            }
            for (RowChange.Row row : rc.rows()) {
                if (row.after() == null) {
                    continue;
                }
                if (source.equals(text(row.after().value(src))) && number(row.after().value(active)) == 0) {
                    found = Math.max(found, number(row.after().value(epoch)));
                }
            }
        }
        return found;
    }

    /**
     * Whether a row of the role table belongs to {@code source}: by its {@code source} column, in the
     * after image (insert, update) or the before image (delete). A row whose columns are not named
     * counts as the source's own, so that it is shipped, as any change is.
     */
    public static boolean isOf(RowChange rc, RowChange.Row row, String source) {
        int src = column(rc, "source");
        if (src < 0) {
            return true;
        }
        io.qreplicator.core.model.RowImage img = row.after() != null ? row.after() : row.before();
        return img == null || !img.isPresent(src) || source.equals(text(img.value(src)));
    }

    private static int column(RowChange rc, String name) {
        List<ColumnDef> cols = rc.table().columns();
        for (int i = 0; i < cols.size(); i++) {
            if (name.equalsIgnoreCase(cols.get(i).name())) {
                return i;
            }
        }
        return -1;
    }

    private static String text(Object v) {
        return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v);
    }

    private static long number(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(text(v).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
