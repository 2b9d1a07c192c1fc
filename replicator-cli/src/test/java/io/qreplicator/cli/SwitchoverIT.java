package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl switchover} on real servers, with an application writing all along through an
 * account without admin privileges: the standby becomes the primary, the old primary its standby
 * replicated by the reverse link, and back again; every row the application committed is on both
 * servers once, and the servers hold the same data after each turn. A standby that cannot catch up
 * within the write-pause budget rolls everything back, and replication goes on as before.
 */
class SwitchoverIT {
    @TempDir
    Path dir;

    @Test
    void switchesOverUnderWritesAndBackWithNothingLostOrDoubled() throws Exception {
        Path preOut = dir.resolve("pre.env");
        Path preHook = script("pre.sh", "env | grep ^QREPL_ | sort > " + preOut + "\n");
        Path postHook = script("post.sh", "echo moved the VIP\n");
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg + "\nhooks:\n  pre-switchover: " + preHook
                + "\n  post-switchover: " + postHook + "\n");
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        Application app = null;
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE sw", "CREATE TABLE sw.t (id INT PRIMARY KEY, v INT NOT NULL, at_port INT NOT NULL)");
            for (MariaDbServer s : List.of(pair.primary, pair.standby)) {
                s.execute("SET sql_log_bin=0", "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT SELECT, INSERT, UPDATE ON sw.* TO 'app'@'%'");
            }
            SwitchablePair.awaitReadyToSwitch(pair, agents);
            // the agents publish their status once a second: the link's first session shows up within that
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                QreplRun status = QreplRun.of("status", "-c", pair.config.toString());
                assertThat(status.code()).as(status.out()).isZero();
                assertThat(status.out()).contains("link shard0-back    DORMANT", "dormant: the other direction replicates");
            });

            app = new Application(pair.primary, pair.standby);
            app.start();
            app.awaitCommits(200);

            QreplRun over = QreplRun.of("switchover", "-c", pair.config.toString());
            System.out.println(over.out() + over.err()); // what an operator sees
            assertThat(over.code()).as(over.out() + over.err()).isZero();
            assertThat(over.out()).contains("standby 127.0.0.1:" + pair.standby.port() + " is the primary",
                    "open the write pause's connections", "the standby applies up to the role tables", "a new binlog file on standby",
                    "make the old primary read-only", "write the stand-down row", "the standby applies up to it",
                    "activate the reverse stream", "make the standby writable", "the reverse stream reaches the old primary",
                    "post-switchover hook", "write pause: ");
            assertThat(pair.standby.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            assertThat(Files.readString(preOut)).contains("QREPL_EVENT=pre-switchover", "QREPL_NEW_PRIMARY=standby",
                    "QREPL_OLD_PRIMARY=primary", "QREPL_LINK=shard0", "QREPL_EPOCH=1");
            int before = app.commits();
            app.awaitCommits(before + 200); // the application goes on, on the new primary
            assertThat(app.commitsOn(pair.standby.port())).isPositive();
            app.pause();
            awaitSameRows(pair, app);
            pair.assertSameData();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(QreplRun.of("status", "-c",
                    pair.config.toString()).out()).contains("link shard0    DORMANT", "link shard0-back    OK"));

            // and back: the reverse link is the one replicating now, so it is the one turned round
            app.resume();
            app.awaitCommits(app.commits() + 100);
            QreplRun back = QreplRun.of("switchover", "-c", pair.config.toString());
            System.out.println(back.out() + back.err());
            assertThat(back.code()).as(back.out() + back.err()).isZero();
            assertThat(back.out()).contains("primary 127.0.0.1:" + pair.primary.port() + " is the primary");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            int commitsOnPrimary = app.commitsOn(pair.primary.port());
            app.awaitCommits(app.commits() + 200);
            assertThat(app.commitsOn(pair.primary.port())).isGreaterThan(commitsOnPrimary);
            app.pause();
            awaitSameRows(pair, app);
            pair.assertSameData();
            System.out.println("the application committed " + app.commits() + " rows and saw " + app.errors()
                    + " errors (read-only, killed sessions) across both switchovers");

            QreplRun drills = QreplRun.of("drills", "-c", pair.config.toString());
            assertThat(drills.out()).contains("switchover");
        } finally {
            if (app != null) {
                app.stop();
            }
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    @Test
    void aFailingPreHookAbortsAndAStandbyThatCannotCatchUpInTimeRollsEverythingBack() throws Exception {
        Path once = dir.resolve("pre-hook-ran");
        Path preHook = script("pre.sh", "[ -f " + once + " ] && exit 0\ntouch " + once + "\necho the proxy does not answer >&2\nexit 9\n");
        int sinkEndpoint = MariaDbServer.freePort();
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg.replace("- name: shard0-sink\n    node: standby\n",
                "- name: shard0-sink\n    node: standby\n    monitoring: {listen: 127.0.0.1:" + sinkEndpoint + "}\n")
                + "\nhooks:\n  pre-switchover: " + preHook + "\n");
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        AgentProcess sink = agents.get(1);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE rb", "CREATE TABLE rb.t (id INT PRIMARY KEY)", "INSERT INTO rb.t VALUES (1)");
            SwitchablePair.awaitReadyToSwitch(pair, agents);
            // a sink paused by qrepl pause would never apply the stand-down row: refused before anything changes
            assertThat(QreplRun.of("pause", "-c", pair.config.toString()).code()).isZero();
            QreplRun whilePaused = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(whilePaused.code()).as(whilePaused.out() + whilePaused.err()).isEqualTo(3);
            assertThat(whilePaused.out() + whilePaused.err()).contains("is paused (qrepl pause)", "Run qrepl resume");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(QreplRun.of("resume", "-c", pair.config.toString()).code()).isZero();

            QreplRun aborted = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(aborted.code()).as(aborted.out() + aborted.err()).isEqualTo(3);
            assertThat(aborted.err()).contains("the pre-switchover hook failed", "exit 9", "nothing was changed");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(sink.stop()).isIn(0, 143); // the standby gets nothing more

            QreplRun over = QreplRun.of("switchover", "-c", pair.config.toString(), "--max-pause", "1s", "--max-lag", "60s");
            System.out.println(over.out() + over.err());
            assertThat(over.code()).as(over.out() + over.err()).isEqualTo(5);
            assertThat(over.out()).contains("ROLLED BACK", "did not apply up to the old primary's last transaction within"
                    + " --max-pause 1000 ms", "roll back", "ships again from its stand-down row", "read_only = 0 on primary");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT @@global.read_only")).isEqualTo("1");

            // replication goes on as before: what the primary commits reaches the standby
            pair.primary.execute("INSERT INTO rb.t VALUES (2)");
            agents.set(1, SwitchablePair.agent(pair, "sink", "shard0-sink").start());
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            pair.assertSameData();
            // the agents publish their status every second: the source's may still show the link it lost to the restart
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(QreplRun.of("status", "-c", pair.config.toString())
                    .out()).contains("link shard0    OK", "link shard0-back    DORMANT"));
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    @Test
    void anOpenTransactionThatHoldsUpReadOnlyIsKilledAndNothingOfItTravels() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE ot", "CREATE TABLE ot.t (id INT PRIMARY KEY, v INT NOT NULL)",
                    "INSERT INTO ot.t VALUES (1, 0), (2, 0)");
            for (MariaDbServer s : List.of(pair.primary, pair.standby)) {
                s.execute("SET sql_log_bin=0", "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT SELECT, INSERT, UPDATE ON ot.* TO 'app'@'%'");
            }
            SwitchablePair.awaitReadyToSwitch(pair, agents);
            Connection holder = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.primary.port() + "/ot", "app", "app-pw");
            Connection waiter = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.primary.port() + "/ot", "app", "app-pw");
            holder.setAutoCommit(false);
            holder.createStatement().executeUpdate("UPDATE t SET v = 100 WHERE id = 1"); // open, holding the row
            Thread waiting = new Thread(() -> {
                try {
                    waiter.createStatement().executeUpdate("UPDATE t SET v = v + 1 WHERE id = 1"); // waits for the row
                } catch (SQLException e) {
                    // read-only by the time it runs, or killed: either way nothing of it commits after the stand-down
                }
            });
            waiting.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(pair.primary.queryOne(
                    "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")));

            QreplRun over = QreplRun.of("switchover", "-c", pair.config.toString(), "--grace", "300ms");
            System.out.println(over.out() + over.err());
            assertThat(over.code()).as(over.out() + over.err()).isZero();
            assertThat(over.out()).contains("(an open write transaction");
            waiting.join(10_000);
            // the holder's update was rolled back with its session; whatever the waiter did, both servers agree
            awaitSame(pair, "SELECT GROUP_CONCAT(id, '=', v ORDER BY id) FROM ot.t");
            assertThat(pair.standby.queryOne("SELECT v FROM ot.t WHERE id = 1")).isIn("0", "1");
            holder.close();
            waiter.close();
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    private static void awaitSame(ReplicationPair pair, String query) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(pair.primary.queryOne(query)).isEqualTo(pair.standby.queryOne(query)));
    }

    /** Both servers hold every row the application committed, and no other. */
    private static void awaitSameRows(ReplicationPair pair, Application app) {
        int want = app.commits();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(pair.primary.queryOne("SELECT COUNT(*) FROM sw.t")).isEqualTo(Integer.toString(want));
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM sw.t")).isEqualTo(Integer.toString(want));
        });
    }

    private Path script(String name, String body) throws Exception {
        return HookScript.write(dir, name, body);
    }

    /**
     * The application: one row per transaction with ids from 1 up, through an account without admin
     * privileges, on whichever server takes writes (a failed insert is tried again on the other one,
     * as behind a proxy that follows read_only). A duplicate key on a retry means the first try
     * committed after all.
     */
    static final class Application {
        private final List<MariaDbServer> servers;
        private final AtomicInteger committed = new AtomicInteger();
        private final AtomicInteger errors = new AtomicInteger();
        private final ConcurrentHashMap<Integer, AtomicInteger> perPort = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicBoolean paused = new AtomicBoolean();
        private final AtomicBoolean idle = new AtomicBoolean();
        private Thread thread;
        private volatile Throwable failure;

        Application(MariaDbServer a, MariaDbServer b) {
            this.servers = List.of(a, b);
        }

        void start() {
            thread = new Thread(this::run, "application");
            thread.start();
        }

        private void run() {
            int target = 0;
            int id = 1;
            Connection c = null;
            try {
                while (!stop.get()) {
                    if (paused.get()) {
                        idle.set(true);
                        Thread.sleep(5);
                        continue;
                    }
                    idle.set(false);
                    try {
                        if (c == null) {
                            c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + servers.get(target).port() + "/sw", "app", "app-pw");
                        }
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
                            ps.setInt(1, id);
                            ps.setInt(2, id * 7);
                            ps.setInt(3, servers.get(target).port());
                            ps.executeUpdate();
                        }
                        commit(target, id++);
                    } catch (SQLException e) {
                        if (e.getErrorCode() == 1062) {
                            commit(target, id++); // the try before this one committed
                            continue;
                        }
                        errors.incrementAndGet();
                        close(c);
                        c = null;
                        target = 1 - target;
                        Thread.sleep(20);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                close(c);
            }
        }

        private void commit(int target, int id) {
            committed.set(id);
            int port = servers.get(target).port();
            perPort.computeIfAbsent(port, p -> new AtomicInteger()).incrementAndGet();
        }

        private static void close(Connection c) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // gone
                }
            }
        }

        int commits() {
            return committed.get();
        }

        int commitsOn(int port) {
            AtomicInteger n = perPort.get(port);
            return n == null ? 0 : n.get();
        }

        int errors() {
            return errors.get();
        }

        void awaitCommits(int n) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (failure != null) {
                    throw new AssertionError("the application failed", failure);
                }
                return committed.get() >= n;
            });
        }

        /** Stops writing between two transactions, and returns once it has. */
        void pause() {
            paused.set(true);
            await().atMost(Duration.ofSeconds(30)).untilTrue(idle);
        }

        void resume() {
            idle.set(false);
            paused.set(false);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (thread != null) {
                thread.join(10_000);
            }
        }
    }
}
