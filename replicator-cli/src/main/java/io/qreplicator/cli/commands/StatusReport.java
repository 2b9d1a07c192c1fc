package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.core.status.StatusFile;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.transport.LinkConfig;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Gathers, for one link, where every stage stands: the primary's own position, the source's spool
 * and link (from its status file, when it runs on this host), the sink, and the standby's
 * checkpoint, then works out the lag.
 *
 * <p>Lag is the age of the source's heartbeat row as the standby holds it: written on the primary
 * every interval, it arrives like any change. Without heartbeats, lag is 0 when the standby's applied
 * GTID state equals the primary's, otherwise the age of the oldest transaction not yet applied,
 * read from the source spool when it is on this host, else estimated from the last applied
 * transaction's commit time (marked as an estimate).
 */
final class StatusReport {
    static final long STALE_MS = 5000;

    private StatusReport() {
    }

    static Map<String, Object> of(QreplConfig c, LinkConfig link) {
        SourceConfig src = c.source(link.source());
        SinkConfig snk = c.sink(link.sink());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("link", link.name());
        Map<String, Object> primary = primary(src.node());
        r.put("role", role(c, link));
        r.put("primary", primary);
        r.put("source", withState(agent(c, src.name(), src.dataDir())));
        r.put("sink", withState(agent(c, snk.name(), snk.dataDir())));
        Map<String, Object> standby = standby(snk, link.source(), src);
        r.put("standby", standby);
        r.put("lag", lag(src, primary, standby));
        return r;
    }

    /**
     * An agent's status: through its endpoint when the config gives it one (typed, from wherever
     * this runs), else from its status file on this host. An endpoint that does not answer falls
     * back to the file, with the endpoint's error and when it was seen.
     */
    static Map<String, Object> agent(QreplConfig c, String name, java.nio.file.Path dataDir) {
        String endpointError = null;
        io.qreplicator.cli.monitoring.AgentClient client;
        try {
            client = io.qreplicator.cli.monitoring.AgentClient.of(c, name);
        } catch (RuntimeException e) {
            client = null;
            endpointError = e.getMessage();
        }
        if (client != null) {
            try {
                Map<String, Object> doc = client.status();
                Map<String, Object> m = new LinkedHashMap<>();
                if (doc.get("status") instanceof Map<?, ?> st) {
                    st.forEach((k, v) -> m.put(String.valueOf(k), v));
                }
                // the agent answered now: its own clock (updated-at-ms) may be off from this host's
                m.put("updated-at", System.currentTimeMillis());
                m.put("agent-clock-ms", doc.get("updated-at-ms"));
                m.put("via", client.where());
                return m;
            } catch (java.io.IOException e) {
                endpointError = e.getMessage();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            if (dataDir != null && Files.isDirectory(dataDir)) {
                StatusFile.read(dataDir).forEach((k, v) -> m.put(k, typed(v)));
            }
        } catch (Exception e) {
            m.put("error", e.toString());
        }
        if (endpointError != null) {
            m.put("endpoint-error", endpointError);
            m.put("endpoint-error-at", java.time.Instant.now().toString());
        }
        if (!m.isEmpty()) {
            m.putIfAbsent("via", "status file " + StatusFile.in(dataDir));
        }
        return m;
    }

    /** A value of the status file as the agent published it: the file holds numbers and booleans as their text. */
    static Object typed(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        if (v.matches("-?\\d{1,18}")) {
            return Long.parseLong(v);
        }
        return v;
    }

    private static Map<String, Object> withState(Map<String, Object> status) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (status.isEmpty() || !status.containsKey("updated-at")) {
            m.put("state", "no status here (agent never ran on this host" + (status.containsKey("endpoint-error")
                    ? "; its endpoint: " + status.get("endpoint-error") : "") + ")");
            status.forEach(m::put);
            return m;
        }
        long updated = status.get("updated-at") instanceof Number n ? n.longValue() : 0;
        long age = System.currentTimeMillis() - updated;
        boolean stopped = status.entrySet().stream().anyMatch(e -> e.getKey().endsWith(".stopped") && Boolean.TRUE.equals(e.getValue()));
        m.put("state", stopped ? "stopped on an error" : age <= STALE_MS ? "running"
                : "not running (last status " + age / 1000 + " s old)");
        m.put("updated-at-ms", updated);
        status.forEach((k, v) -> {
            if (!k.equals("updated-at")) {
                m.put(k, v);
            }
        });
        return m;
    }

    /**
     * Whether the link's source ships: read on its own primary, where {@code qrepl switchover} writes
     * it, else on the standby, which holds a copy (io.qreplicator.core.role.SourceRoles).
     */
    private static Map<String, Object> role(QreplConfig c, LinkConfig link) {
        Map<String, Object> m = new LinkedHashMap<>();
        LinkRoles.Read r = LinkRoles.read(c, link, false);
        if (r == null) {
            m.put("state", "unknown (neither server answers)");
            return m;
        }
        boolean stalled = false;
        if (!r.role().active() && c.reverseOf(link).isPresent()) {
            LinkRoles.Read other = LinkRoles.read(c, c.reverseOf(link).get(), false);
            stalled = other != null && !other.role().active(); // neither direction ships
        }
        m.put("state", r.role().active() ? "active" : stalled ? "stalled" : "dormant");
        if (stalled) {
            Boolean sourceWritable = io.qreplicator.source.fencing.PrimaryFence.writable(c.source(link.source()).node(),
                    java.time.Duration.ofSeconds(3));
            Boolean sinkWritable = io.qreplicator.source.fencing.PrimaryFence.writable(c.sink(link.sink()).node(),
                    java.time.Duration.ofSeconds(3));
            m.put("problem", Boolean.TRUE.equals(sourceWritable) || Boolean.TRUE.equals(sinkWritable)
                    ? "neither this link nor its reverse replicates: no copy is kept until the other server rejoins as a"
                    + " standby (after a failover: qrepl rejoin, docs/failover.md)"
                    : "neither this link nor its reverse replicates and no server is writable: a switchover or rejoin was"
                    + " interrupted (docs/failover.md, \"An interrupted switchover\")");
        }
        m.put("epoch", r.role().epoch());
        m.put("read-on", r.node());
        if (!r.role().run().isEmpty()) {
            m.put("changed-by", r.role().run());
        }
        return m;
    }

    private static Map<String, Object> primary(NodeConfig n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", n.name() + " " + n.address());
        try (Connection c = connect(n); Statement st = c.createStatement()) {
            boolean mariadb = n.flavor() != NodeConfig.Flavor.MYSQL;
            io.qreplicator.source.preflight.BinlogStatus status = io.qreplicator.source.preflight.BinlogStatus.read(st, mariadb);
            if (status != null) {
                m.put("file", status.file() + ":" + status.pos());
            }
            try (ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
                m.put("gtid", rs.next() ? rs.getString(1) : "");
            } catch (SQLException notMariadb) {
                try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_executed")) {
                    m.put("gtid", rs.next() ? rs.getString(1) : "");
                }
            }
        } catch (SQLException e) {
            m.put("error", "unreachable: " + e.getMessage());
        }
        return m;
    }

    private static Map<String, Object> standby(SinkConfig s, String stream, SourceConfig src) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.node().name() + " " + s.node().address());
        try (Connection c = connect(s.node());
             PreparedStatement ps = c.prepareStatement("SELECT seq, gtid_state, binlog_file, binlog_pos, source_commit_ms,"
                     + " applied_at FROM `" + s.metadataSchema() + "`.`checkpoint` WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    m.put("applied-seq", rs.getLong(1));
                    m.put("applied-gtid", rs.getString(2));
                    m.put("applied-file", rs.getString(3) + ":" + rs.getLong(4));
                    m.put("applied-commit-ms", rs.getLong(5));
                    m.put("applied-at", rs.getString(6));
                } else {
                    m.put("applied-seq", 0L);
                }
            }
            m.put("primary-triggers", primaryTriggers(c, s, stream, (Long) m.get("applied-seq")));
            if (src.heartbeat().enabled()) {
                try (PreparedStatement hb = c.prepareStatement("SELECT UNIX_TIMESTAMP(ts) FROM `" + src.heartbeat().schema()
                        + "`.`" + src.heartbeat().table() + "` WHERE source = ?")) {
                    hb.setString(1, stream);
                    try (ResultSet rs = hb.executeQuery()) {
                        if (rs.next()) {
                            double age = System.currentTimeMillis() / 1000.0 - rs.getBigDecimal(1).doubleValue();
                            m.put("heartbeat-age-seconds", Math.max(0, Math.round(age * 1000) / 1000.0));
                        }
                    }
                } catch (SQLException noHeartbeatYet) {
                    m.put("heartbeat-age-seconds", "none yet");
                }
            }
        } catch (SQLException e) {
            m.put("error", e.getErrorCode() == 1146 || e.getErrorCode() == 1049 ? "no checkpoint yet (sink never ran)"
                    : "unreachable: " + e.getMessage());
        }
        return m;
    }

    /**
     * The primary's triggers the sink keeps for a failover to create (docs/failover.md, "Triggers"):
     * how many, from which record, and what they may lack. The source sends the set right after the
     * first transaction it streams, so a standby that applied nothing has none yet.
     */
    private static Map<String, Object> primaryTriggers(Connection c, SinkConfig s, String stream, long appliedSeq) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            io.qreplicator.sink.standby.KeptTriggers.Summary k = new io.qreplicator.sink.standby.CheckpointTable(
                    s.metadataSchema(), stream).keptTriggers().summary(c);
            if (!k.received()) {
                m.put("state", appliedSeq > 0 ? "none received" : "none yet (nothing applied)");
                return m;
            }
            m.put("state", k.warning().isEmpty() ? "kept" : "warning");
            m.put("count", k.count());
            m.put("record-seq", k.seq());
            m.put("received-at", k.receivedAt());
            if (!k.warning().isEmpty()) {
                m.put("warning", k.warning());
            }
        } catch (SQLException e) {
            m.put("state", "unknown");
            m.put("error", e.getMessage());
        }
        return m;
    }

    private static Map<String, Object> lag(SourceConfig src, Map<String, Object> primary, Map<String, Object> standby) {
        Map<String, Object> m = new LinkedHashMap<>();
        Object applied = standby.get("applied-seq");
        if (applied == null) {
            m.put("state", "unknown (standby not readable)");
            return m;
        }
        if (standby.get("heartbeat-age-seconds") instanceof Double age) {
            // the heartbeat row is written every interval and travels like any change: its age is the lag
            double allowed = 2.0 * src.heartbeat().interval().toMillis() / 1000.0 + 0.5;
            m.put("seconds", age);
            m.put("state", age <= allowed ? "caught up" : "behind");
            m.put("measured-by", "heartbeat");
            spoolBacklog(src, (Long) applied, m);
            return m;
        }
        if (primary.get("gtid") != null && primary.get("gtid").equals(standby.get("applied-gtid"))) {
            m.put("seconds", 0.0);
            m.put("transactions", 0L);
            m.put("state", "caught up");
            return m;
        }
        long appliedSeq = (Long) applied;
        if (src.spoolDir() != null && Files.isDirectory(src.spoolDir())) {
            try (Spool spool = Spool.openReadOnly(src.spoolDir())) {
                backlog(spool, appliedSeq, m);
                if (spool.lastSeq() > appliedSeq) {
                    try (SpoolReader r = spool.reader(Math.max(appliedSeq + 1, spool.firstSeq()))) {
                        Transaction next = RecordCodec.decode(r.next());
                        m.put("seconds", Math.max(0, System.currentTimeMillis() - next.commitTimeMillis()) / 1000.0);
                        m.put("state", "behind");
                        return m;
                    }
                }
                m.put("seconds", 0.0);
                m.put("state", "applied everything the source has spooled; the source is behind the primary");
                return m;
            } catch (RuntimeException e) {
                m.put("spool-error", e.getMessage());
            }
        }
        Object commitMs = standby.get("applied-commit-ms");
        if (commitMs instanceof Long ms && ms > 0) {
            m.put("seconds", Math.max(0, System.currentTimeMillis() - ms) / 1000.0);
            m.put("state", "behind (estimate: source spool not on this host)");
        }
        return m;
    }

    /** Records summed at most for the bytes behind, so that status stays quick on a large backlog. */
    private static final int BYTES_SCAN_LIMIT = 100_000;

    /** {@link #backlog} from the source spool, when it is on this host. */
    private static void spoolBacklog(SourceConfig src, long appliedSeq, Map<String, Object> m) {
        if (src.spoolDir() != null && Files.isDirectory(src.spoolDir())) {
            try (Spool spool = Spool.openReadOnly(src.spoolDir())) {
                backlog(spool, appliedSeq, m);
            } catch (RuntimeException e) {
                m.put("spool-error", e.getMessage());
            }
        }
    }

    /** Transactions spooled by the source but not yet applied, and the binlog bytes they stand for. */
    private static void backlog(Spool spool, long appliedSeq, Map<String, Object> m) {
        long last = spool.lastSeq();
        m.put("transactions", Math.max(0, last - appliedSeq));
        if (last <= appliedSeq) {
            m.put("binlog-bytes", 0L);
            return;
        }
        long bytes = 0;
        int read = 0;
        try (SpoolReader r = spool.reader(Math.max(appliedSeq + 1, spool.firstSeq()))) {
            for (byte[] rec = r.next(); rec != null && read < BYTES_SCAN_LIMIT; rec = r.next(), read++) {
                bytes += RecordCodec.decode(rec).binlogBytes();
            }
        }
        m.put("binlog-bytes", bytes);
        if (read == BYTES_SCAN_LIMIT && appliedSeq + read < last) {
            m.put("binlog-bytes-at-least", true); // counted over the first records only
        }
    }

    private static Connection connect(NodeConfig n) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", n.user());
        p.setProperty("password", n.password() == null ? "" : n.password());
        p.setProperty("connectTimeout", "3000");
        p.setProperty("socketTimeout", "10000");
        return DriverManager.getConnection("jdbc:mariadb://" + n.address() + "/", p);
    }
}
