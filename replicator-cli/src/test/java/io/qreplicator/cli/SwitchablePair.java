package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pair that can turn round: both servers write a ROW binlog, and the config {@code qrepl init}
 * wrote gets the reverse link (links[].reverse-of, its own agents, certificates and port).
 * Agents in {@link #startAll} order: source, sink, back source, back sink.
 */
final class SwitchablePair {
    static final String BACK_SOURCE = "shard0-back-source";
    static final String BACK_SINK = "shard0-back-sink";

    private SwitchablePair() {
    }

    /** The pair {@code qrepl init} writes, with the reverse link (its own agents, certificates and port) added. */
    static ReplicationPair create(Path dir, java.util.function.UnaryOperator<String> edit) throws Exception {
        Path tls = dir.resolve("back-tls");
        assertThat(Main.run("certs", "create", "--dir", tls.toString(), "--source", BACK_SOURCE, "--sink", BACK_SINK)).isZero();
        int port = MariaDbServer.freePort();
        return ReplicationPair.switchable(dir, cfg -> edit.apply(cfg
                .replace("\nsinks:", "\n  - name: " + BACK_SOURCE + "\n    node: standby\n    data-dir: " + dir.resolve("back-source")
                        + "\n    heartbeat: {enabled: true, interval: 1s, schema: qreplicator}\n\nsinks:")
                .replace("\nlinks:", "\n  - name: " + BACK_SINK + "\n    node: primary\n    data-dir: " + dir.resolve("back-sink")
                        + "\n    metadata-schema: qreplicator\n\nlinks:")
                .replace("  - source: shard0-source\n", "  - name: shard0\n    source: shard0-source\n")
                + "\n  - name: shard0-back\n    reverse-of: shard0\n    source: " + BACK_SOURCE + "\n    sink: " + BACK_SINK
                + "\n    address: 127.0.0.1:" + port + "\n    tls: {ca: " + tls.resolve("ca.pem") + ", source-cert: "
                + tls.resolve(BACK_SOURCE + ".pem") + ", source-key: " + tls.resolve(BACK_SOURCE + "-key.pem") + ", sink-cert: "
                + tls.resolve(BACK_SINK + ".pem") + ", sink-key: " + tls.resolve(BACK_SINK + "-key.pem") + "}\n    token-file: "
                + tls.resolve("link.token") + "\n"));
    }

    static List<AgentProcess> startAll(ReplicationPair pair) throws Exception {
        List<AgentProcess> agents = new ArrayList<>();
        agents.add(agent(pair, "source", "shard0-source").start());
        agents.add(agent(pair, "sink", "shard0-sink").start());
        agents.add(agent(pair, "source", BACK_SOURCE).start());
        agents.add(agent(pair, "sink", BACK_SINK).start());
        return agents;
    }

    /**
     * Waits until the standby is caught up and holds the forward source's heartbeat: {@code qrepl
     * switchover} tells the standby's lag by that row and refuses ("not known to be caught up") until
     * the first one is applied, which may come after the data a test awaited.
     */
    static void awaitReadyToSwitch(ReplicationPair pair, List<AgentProcess> agents) throws Exception {
        pair.awaitCaughtUp(java.time.Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !pair.standby.queryOne(
                "SELECT COUNT(*) FROM qreplicator.heartbeat WHERE source = 'shard0-source'").equals("0"));
    }

    static AgentProcess agent(ReplicationPair pair, String kind, String name) {
        return new AgentProcess(pair.dir.resolve(name + ".log"), kind, "run", "-c", pair.config.toString(), "--name", name);
    }

}
