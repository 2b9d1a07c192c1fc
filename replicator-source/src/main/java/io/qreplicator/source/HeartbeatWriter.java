package io.qreplicator.source;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.core.status.StageError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Writes this source's heartbeat row on the primary every interval. The row travels like any other
 * change, so on the standby {@code now - ts} is the end-to-end lag, idle primary or not. A failing
 * heartbeat (e.g. a missing grant) is reported, throttled, and retried; it never stops replication.
 * It writes nothing while the primary is read-only (fenced, or in a role change): a write there,
 * let through by the account's privilege, would be a transaction only the old primary has.
 */
final class HeartbeatWriter extends RunLoop {
    private volatile java.util.function.LongConsumer onWritten;
    private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);

    private final NodeConfig node;
    private final HeartbeatConfig config;
    private final String source;
    private final Duration connectTimeout;
    private Connection connection;
    private long seq;
    private final StageError error = new StageError();
    private long lastWarnAt;

    HeartbeatWriter(NodeConfig node, HeartbeatConfig config, String source, Duration connectTimeout) {
        super("heartbeat-" + source);
        this.node = node;
        this.config = config;
        this.source = source;
        this.connectTimeout = connectTimeout;
    }

    private boolean tableChecked;

    StageError error() {
        return error;
    }

    @Override
    protected void runOnce() throws InterruptedException {
        try {
            if (connection == null) {
                connection = Jdbc.connect(node, connectTimeout, "primary");
                tableChecked = false;
            }
            if (!tableChecked && readOnly()) {
                pause(config.interval().toMillis());
                return;
            }
            if (!tableChecked) {
                createTableIfMissing();
                tableChecked = true;
            }
            // one statement, the read-only test inside it: a primary fenced (or in a role change) gets no row from us,
            // where the account's READ_ONLY ADMIN would let a write through, one the new primary would never get
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO `" + config.schema() + "`.`" + config.table()
                    + "` (source, ts, seq) SELECT ?, UTC_TIMESTAMP(6), ? FROM DUAL WHERE @@global.read_only = 0"
                    + " ON DUPLICATE KEY UPDATE ts = VALUES(ts), seq = VALUES(seq)")) {
                ps.setString(1, source);
                ps.setLong(2, ++seq);
                long started = System.currentTimeMillis();
                if (ps.executeUpdate() > 0 && onWritten != null) {
                    onWritten.accept(started); // committed on the primary (autocommit): the binlog holds it
                }
            }
            error.clear();
        } catch (SQLException | RuntimeException e) {
            error.report("heartbeat: " + e.getMessage());
            if (System.currentTimeMillis() - lastWarnAt > 60_000) {
                lastWarnAt = System.currentTimeMillis();
                log.warn("cannot write the heartbeat on {} ({}); lag on an idle primary cannot be measured until it works."
                        + " The source's account needs: GRANT SELECT, CREATE, INSERT, UPDATE ON `{}`.* TO ...", node, e.getMessage(),
                        config.schema());
            }
            closeConnection();
        }
        pause(config.interval().toMillis());
    }

    /** Told when each heartbeat row was committed (the time its statement began), for the lag ({@code StreamLag}). */
    void onWritten(java.util.function.LongConsumer listener) {
        this.onWritten = listener;
    }

    private boolean readOnly() throws SQLException {
        try (Statement st = connection.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Only when missing: CREATE ... IF NOT EXISTS is logged, as a transaction of its own, even when it does nothing. */
    private void createTableIfMissing() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, config.schema());
            ps.setString(2, config.table());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `" + config.schema() + "`");
            st.execute("CREATE TABLE IF NOT EXISTS `" + config.schema() + "`.`" + config.table() + "` ("
                    + " source VARCHAR(191) NOT NULL PRIMARY KEY, ts TIMESTAMP(6) NOT NULL, seq BIGINT NOT NULL)"
                    + " ENGINE=InnoDB COMMENT='Qreplicator: source heartbeats, for lag'");
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone already
            }
            connection = null;
        }
    }

    @Override
    protected void afterLoop() {
        closeConnection();
    }
}
