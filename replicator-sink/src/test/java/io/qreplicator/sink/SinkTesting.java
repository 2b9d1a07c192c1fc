package io.qreplicator.sink;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.spool.SpoolConfig;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.sink.apply.ApplyConfig;

import java.nio.file.Path;
import java.time.Duration;

/** Sink settings for tests: the test's standby, short retries, the given apply settings. */
final class SinkTesting {
    private SinkTesting() {
    }

    /** A sink applying to {@code standby} as {@code qrepl}, its data in {@code dataDir}, its checkpoint in {@code metadataSchema}. */
    static SinkConfig config(MariaDbServer standby, Path dataDir, String metadataSchema, ApplyConfig apply) {
        NodeConfig node = new NodeConfig("standby", "dc2", standby.host(), standby.port(), "qrepl", Path.of("pw"),
                MariaDbServer.PASSWORD, NodeConfig.Flavor.MARIADB);
        return new SinkConfig("sink1", node, dataDir, metadataSchema, true, Duration.ofSeconds(5), Duration.ofMillis(100),
                Duration.ofSeconds(1), SpoolConfig.DEFAULTS, apply, SinkConfig.KEEP_FREE);
    }

    /** A metadata schema of the test's own, so that tests sharing a standby do not share a checkpoint. */
    static String schemaFor(Path dataDir) {
        return "qrepl_" + dataDir.getFileName().toString().replaceAll("\\W", "");
    }

    /**
     * Leaves in the sink's data dir what a sink killed after running the first statement of
     * transaction {@code seq} ({@code Records.ddl}'s GTID) and before its checkpoint leaves there
     * ({@code DdlProgress}): with the checkpoint set back, the state of such a crash.
     */
    static void killedAfterDdl(SinkConfig cfg, long seq) throws java.io.IOException {
        io.qreplicator.core.status.PropertiesFiles.write(cfg.dataDir().resolve("ddl-progress.properties"), java.util.Map.of(
                "seq", Long.toString(seq), "gtid", "0-1-" + seq, "part", "0", "statement", "0", "state", "started", "error", "0"),
                "as a sink killed between a DDL and its checkpoint leaves it");
    }
}
