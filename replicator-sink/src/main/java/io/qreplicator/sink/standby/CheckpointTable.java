package io.qreplicator.sink.standby;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The checkpoint table on the standby, one row per stream.
 *
 * <p>Invariant: the row is written in the same database transaction as the data of the source
 * transaction it names (see {@link io.qreplicator.sink.apply.TransactionApplier}), so after any
 * crash the standby's data and its checkpoint agree, and the sink resumes right after it.
 *
 * <p>With {@code apply.commit-order: relaxed}, a unit of transactions may commit before earlier
 * ones; it then records its seq range in {@code applied_ahead}, in its own transaction, instead
 * of moving the checkpoint. The checkpoint row only ever names a point before which everything is
 * applied; what lies ahead of it is exactly the recorded ranges, which a restart skips and which
 * the next in-order commit folds away.
 */
public final class CheckpointTable {
    private final String schema;
    private final String stream;
    private final KeptTriggers keptTriggers;

    public CheckpointTable(String schema, String stream) {
        this.schema = schema;
        this.stream = stream;
        this.keptTriggers = new KeptTriggers(schema, stream);
    }

    /**
     * The sink's own tables in {@code schema} ({@code schema.table}): its checkpoint, the transactions
     * it committed ahead of it, the provisioning state and the primary's triggers it keeps. They
     * describe one standby: no source ships their rows ({@code ChangeFilter#neverKeeping}).
     */
    public static java.util.List<String> stateTables(String schema) {
        return java.util.List.of(schema + ".checkpoint", schema + ".applied_ahead",
                schema + "." + io.qreplicator.sink.provision.Provisioning.TABLE, schema + "." + KeptTriggers.TABLE,
                schema + "." + KeptTriggers.STATE_TABLE);
    }

    /** The primary's triggers this stream keeps, in the same schema (one for every applier of the stream). */
    public KeptTriggers keptTriggers() {
        return keptTriggers;
    }

    public String qualifiedName() {
        return "`" + schema + "`.`checkpoint`";
    }

    private String aheadName() {
        return "`" + schema + "`.`applied_ahead`";
    }

    public void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
            st.execute("CREATE TABLE IF NOT EXISTS " + qualifiedName() + " ("
                    + " stream VARCHAR(191) NOT NULL PRIMARY KEY,"
                    + " seq BIGINT NOT NULL,"
                    + " gtid_state TEXT NOT NULL,"
                    + " binlog_file VARCHAR(255) NOT NULL,"
                    + " binlog_pos BIGINT NOT NULL,"
                    + " source_commit_ms BIGINT NOT NULL,"
                    + " applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                    + ") ENGINE=InnoDB COMMENT='Qreplicator: what this standby has applied, per stream'");
            st.execute("CREATE TABLE IF NOT EXISTS " + aheadName() + " ("
                    + " stream VARCHAR(191) NOT NULL,"
                    + " first_seq BIGINT NOT NULL,"
                    + " last_seq BIGINT NOT NULL,"
                    + " PRIMARY KEY (stream, first_seq)"
                    + ") ENGINE=InnoDB COMMENT='Qreplicator: transactions committed ahead of the checkpoint (commit-order: relaxed)'");
        }
        keptTriggers().create(c);
    }

    public Checkpoint load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, gtid_state, binlog_file, binlog_pos, source_commit_ms FROM "
                + qualifiedName() + " WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Checkpoint.NONE;
                }
                return new Checkpoint(rs.getLong(1), new SourcePosition("", rs.getString(2), rs.getString(3), rs.getLong(4)),
                        rs.getLong(5));
            }
        }
    }

    /** Records seqs {@code first..last} as applied ahead of the checkpoint; call inside the transaction that applied them. */
    public void saveAhead(Connection c, long first, long last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + aheadName() + " (stream, first_seq, last_seq) VALUES (?, ?, ?)")) {
            ps.setString(1, stream);
            ps.setLong(2, first);
            ps.setLong(3, last);
            ps.executeUpdate();
        }
    }

    /** Forgets the ranges the checkpoint now covers; call in the transaction that moves it to {@code seq}. */
    public void foldAhead(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + aheadName() + " WHERE stream = ? AND last_seq <= ?")) {
            ps.setString(1, stream);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
    }

    /** The ranges {first, last} applied ahead of the checkpoint at {@code seq}, in order. */
    public java.util.List<long[]> loadAhead(Connection c, long seq) throws SQLException {
        java.util.List<long[]> ranges = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq FROM " + aheadName()
                + " WHERE stream = ? AND last_seq > ? ORDER BY first_seq")) {
            ps.setString(1, stream);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ranges.add(new long[]{rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        return ranges;
    }

    /** Records {@code tx} as applied; call inside the transaction that applied it. */
    public void save(Connection c, Transaction tx) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualifiedName()
                + " (stream, seq, gtid_state, binlog_file, binlog_pos, source_commit_ms, applied_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, NOW(6)) ON DUPLICATE KEY UPDATE seq = VALUES(seq),"
                + " gtid_state = VALUES(gtid_state), binlog_file = VALUES(binlog_file), binlog_pos = VALUES(binlog_pos),"
                + " source_commit_ms = VALUES(source_commit_ms), applied_at = VALUES(applied_at)")) {
            ps.setString(1, stream);
            ps.setLong(2, tx.seq());
            ps.setString(3, tx.position().gtidState());
            ps.setString(4, tx.position().binlogFile());
            ps.setLong(5, tx.position().binlogPosition());
            ps.setLong(6, tx.commitTimeMillis());
            ps.executeUpdate();
        }
    }
}
