package io.qreplicator.source;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The binlog connection cut while the primary sends a large row event (a primary restarted or
 * crashed under a bulk write, a reset connection): the binlog library reports that as a decoding
 * failure of the event. Found by the corpus (main/analyze_engine_stats2 restarts its primary after a
 * bulk insert), where the source stopped "on an error it does not know to be transient".
 */
class PrimaryCutInsideAnEventIT {

    /**
     * A primary with a table of blobs, read by a running source through a TCP proxy, with one small row
     * spooled already: the connection is up and the stream idle.
     */
    private static final class ProxiedSource implements AutoCloseable {
        final MariaDbServer primary = MariaDbServer.primary();
        final TcpProxy proxy;
        final SourceConfig cfg;
        final SourceAgent agent;

        ProxiedSource(Path dir) throws Exception {
            int proxyPort = MariaDbServer.freePort();
            proxy = new TcpProxy(proxyPort, new InetSocketAddress(primary.host(), primary.port()));
            primary.createAgentUser("qrepl");
            primary.execute("CREATE DATABASE f", "CREATE TABLE f.t (id INT PRIMARY KEY, b LONGBLOB)");
            NodeConfig viaProxy = new NodeConfig("db1", "dc1", "127.0.0.1", proxyPort, "qrepl", Path.of("password"),
                    MariaDbServer.PASSWORD, NodeConfig.Flavor.MARIADB);
            cfg = SourceTesting.config(viaProxy, dir);
            agent = new SourceAgent(cfg);
            agent.start();
            primary.execute("INSERT INTO f.t VALUES (1, 'small')");
            await().atMost(Duration.ofSeconds(30)).until(() -> spooledRows() == 1);
        }

        long spooledRows() {
            return PrimaryFaultsIT.insertedRows(SourceTesting.transactions(cfg.spoolDir()));
        }

        @Override
        public void close() throws Exception {
            try (MariaDbServer p = primary; TcpProxy x = proxy) {
                agent.close();
            }
        }
    }

    @Test
    void aConnectionCutInsideAnEventReadsItAgainFromTheTransactionsStartWithoutLossOrDuplicates(@TempDir Path dir)
            throws Exception {
        try (ProxiedSource s = new ProxiedSource(dir)) {
            // one row of 4 MiB is one event: at 256 KiB/s it takes 16 s to arrive, and the cut lands inside it (the
            // stream's silence watchdog, 3 s here, counts the bytes arriving: it does not close the connection first)
            long before = s.proxy.forwarded();
            s.proxy.throttle(256 * 1024);
            s.primary.execute("INSERT INTO f.t VALUES (2, REPEAT('x', 4 * 1024 * 1024))");
            await().atMost(Duration.ofSeconds(30)).until(() -> s.proxy.forwarded() > before + 1024 * 1024);
            s.proxy.cutAll();
            s.proxy.throttle(0);

            String end = s.primary.queryOne("SELECT @@gtid_binlog_pos");
            await().atMost(Duration.ofSeconds(60)).until(() -> s.agent.failure() != null || lastGtidState(s.cfg.spoolDir()).equals(end));
            assertThat(s.agent.failure()).as("the source stopped").isNull();
            List<Transaction> txs = SourceTesting.transactions(s.cfg.spoolDir());
            assertThat(PrimaryFaultsIT.insertedRows(txs)).isEqualTo(2);
            assertThat(txs.stream().filter(t -> t.rowCount() > 0).map(t -> t.position().gtid()).distinct().count()).isEqualTo(2);
        }
    }

    /**
     * A row event that takes longer to arrive than three heartbeat intervals (here 8 s against 3 s)
     * is not silence: the connection is not closed under it, so it is not cut on every try.
     */
    @Test
    void aLargeEventArrivingSlowlyIsNotTakenForASilentConnection(@TempDir Path dir) throws Exception {
        try (ProxiedSource s = new ProxiedSource(dir)) {
            assertThat(s.cfg.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
            long connections = s.proxy.accepted();
            s.proxy.throttle(256 * 1024);
            s.primary.execute("INSERT INTO f.t VALUES (2, REPEAT('x', 2 * 1024 * 1024))");
            await().atMost(Duration.ofSeconds(60)).until(() -> s.agent.failure() != null || s.spooledRows() == 2);
            assertThat(s.agent.failure()).isNull();
            assertThat(s.proxy.accepted()).as("connections made through the proxy: none new, no reconnect").isEqualTo(connections);
        }
    }

    private static String lastGtidState(Path spoolDir) {
        List<Transaction> txs = SourceTesting.readAll(spoolDir);
        return txs.isEmpty() ? "" : txs.get(txs.size() - 1).position().gtidState();
    }
}
