package io.qreplicator.source;

import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.source.preflight.PrimaryInfo;
import io.qreplicator.source.preflight.SourceRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Which server a spool was taken from (server_id, server_uuid), recorded in the data dir when the
 * spool starts. File positions only mean something in that server's binlog: resuming on file:pos
 * against another server is refused. GTID positions are global, so a different server with the
 * same history (a switched-over primary) is accepted with a warning.
 */
final class PrimaryIdentity {
    private static final Logger log = LoggerFactory.getLogger(PrimaryIdentity.class);
    static final String FILE = "primary.identity";

    private PrimaryIdentity() {
    }

    static void record(Path dataDir, PrimaryInfo primary) throws IOException {
        Properties p = new Properties();
        p.setProperty("server-id", Long.toString(primary.serverId()));
        p.setProperty("server-uuid", primary.serverUuid());
        p.setProperty("version", primary.version());
        try (Writer w = Files.newBufferedWriter(dataDir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.store(w, "the primary this source's spool was taken from; see PrimaryIdentity");
        }
    }

    /**
     * Refuses to resume from {@code position} if the server's history does not hold it: with MariaDB
     * GTIDs, every domain of the position must be in the server's binlog at that sequence or later (a
     * domain it does not know would have it stream everything); with MySQL GTIDs, the position's set
     * must be a subset of what the server executed. A promoted replica that had not yet received the
     * last transactions the source already shipped is refused here, by GTID.
     */
    static void checkHistoryHolds(java.sql.Connection c, PrimaryInfo primary, SourcePosition position, String where)
            throws java.sql.SQLException {
        if (!position.hasGtid()) {
            return;
        }
        try (java.sql.Statement st = c.createStatement()) {
            if (primary.mariadb()) {
                String pos;
                try (java.sql.ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
                    rs.next();
                    pos = rs.getString(1) == null ? "" : rs.getString(1);
                }
                java.util.Map<String, Long> server = new java.util.HashMap<>();
                for (String g : pos.split(",")) {
                    String[] p = g.trim().split("-");
                    if (p.length == 3) {
                        server.put(p[0], Long.parseLong(p[2]));
                    }
                }
                java.util.List<String> missing = new java.util.ArrayList<>();
                for (String g : position.gtidState().split(",")) {
                    String[] p = g.trim().split("-");
                    if (p.length == 3 && server.getOrDefault(p[0], -1L) < Long.parseLong(p[2])) {
                        missing.add(g.trim());
                    }
                }
                if (!missing.isEmpty()) {
                    throw new SourceRefusedException("the primary at " + where + " does not hold transactions this source"
                            + " already spooled and shipped: " + String.join(", ", missing) + " (its binlog is at " + pos
                            + "). Is it a replica promoted before it had received them? Streaming from it would skip or"
                            + " rewrite history. Point the source at the server that has them, or re-seed the standby (docs/seeding.md)"
                            + " from this one");
                }
            } else {
                try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT GTID_SUBSET(?, @@global.gtid_executed)")) {
                    ps.setString(1, position.gtidState());
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            throw new SourceRefusedException("the primary at " + where + " has not executed every"
                                    + " transaction this source already spooled and shipped (" + position.gtidState()
                                    + " is not a subset of its gtid_executed). Point the source at the server that has"
                                    + " them, or re-seed the standby (docs/seeding.md) from this one");
                        }
                    }
                }
            }
        }
    }

    /** Refuses to resume from {@code position} if it is a file position of another server. */
    static void check(Path dataDir, PrimaryInfo primary, SourcePosition position, String where) throws IOException {
        Path f = dataDir.resolve(FILE);
        if (!Files.exists(f)) {
            record(dataDir, primary);
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String id = p.getProperty("server-id", "");
        String uuid = p.getProperty("server-uuid", "");
        boolean same = id.equals(Long.toString(primary.serverId())) && uuid.equals(primary.serverUuid());
        if (same) {
            return;
        }
        String change = "server_id " + id + (uuid.isEmpty() ? "" : " / uuid " + uuid) + " when the spool started, now server_id "
                + primary.serverId() + (primary.serverUuid().isEmpty() ? "" : " / uuid " + primary.serverUuid());
        if (!position.hasGtid()) {
            throw new SourceRefusedException("the primary at " + where + " is not the server this spool was taken from ("
                    + change + "): the spool resumes at file position " + position.binlogFile() + ":" + position.binlogPosition()
                    + ", which means nothing in another server's binlog. If the primary was replaced, re-seed the"
                    + " standby and start a new spool (move " + dataDir + " aside)");
        }
        log.warn("the primary at {} is another server than when the spool started ({}); resuming by GTID {}", where, change,
                position.gtidState());
    }
}
