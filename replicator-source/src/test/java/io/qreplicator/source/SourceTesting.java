package io.qreplicator.source;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.core.testing.MariaDbServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds source configs for tests and reads back what a source spooled. */
final class SourceTesting {
    private SourceTesting() {
    }

    static NodeConfig node(MariaDbServer server, String user, String password) {
        return new NodeConfig("db1", "dc1", server.host(), server.port(), user, Path.of("password"), password,
                NodeConfig.Flavor.MARIADB);
    }

    static SourceConfig config(NodeConfig node, Path dataDir) {
        return new SourceConfig("src1", node, dataDir, 4242, new StartPosition.Current(), FilterConfig.DEFAULTS,
                io.qreplicator.source.assemble.RowShaper.Mode.MINIMAL,
                Duration.ofSeconds(5), Duration.ofSeconds(1), HeartbeatConfig.OFF, Duration.ofMillis(100), Duration.ofSeconds(1),
                io.qreplicator.core.spool.SpoolConfig.DEFAULTS, 8L << 20);
    }

    /** The spool's transactions: its records less those that only carry the primary's triggers ({@code TriggerWatch}). */
    static List<Transaction> transactions(Path spoolDir) {
        return readAll(spoolDir).stream().filter(t -> !triggerSet(t)).toList();
    }

    /** A record that only carries the primary's triggers. */
    static boolean triggerSet(Transaction t) {
        return t.changes().size() == 1 && t.changes().get(0) instanceof io.qreplicator.core.model.PrimaryTriggers;
    }

    static List<Transaction> readAll(Path spoolDir) {
        List<Transaction> out = new ArrayList<>();
        try (Spool spool = Spool.openReadOnly(spoolDir); SpoolReader r = spool.reader(spool.firstSeq())) {
            for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                out.add(RecordCodec.decode(rec));
            }
        }
        return out;
    }
}
