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
 */
public final class CheckpointTable {
    private final String schema;
    private final String stream;

    public CheckpointTable(String schema, String stream) {
        this.schema = schema;
        this.stream = stream;
    }

    public String qualifiedName() {
        return "`" + schema + "`.`checkpoint`";
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
        }
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
