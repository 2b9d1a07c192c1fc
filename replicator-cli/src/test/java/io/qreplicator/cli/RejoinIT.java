package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl rejoin} on real servers, after kill -9 of the primary's mariadbd and a failover: an
 * old primary holding nothing the new one lacks becomes its standby, gets everything written on the
 * new primary meanwhile, and the pair can switch back; one holding transactions that never shipped
 * (written after its link was cut) is refused, with those transactions listed, and left read-only with its
 * rows as they were, until {@code --rewind} undoes them.
 */
class RejoinIT {
    @TempDir
    Path dir;

    @Test
    void theOldPrimaryRejoinsAsStandbyAndThePairSwitchesBack() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE rj", "CREATE TABLE rj.t (id INT PRIMARY KEY, v VARCHAR(20))");
            for (int i = 1; i <= 100; i++) {
                pair.primary.execute("INSERT INTO rj.t VALUES (" + i + ", 'before')");
            }
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            agents.get(0).kill();
            pair.primary.kill();

            QreplRun failover = QreplRun.of("failover", "-c", pair.config.toString(), "--link", "shard0");
            assertThat(failover.code()).as(failover.out() + failover.err()).isZero();
            assertThat(agents.get(1).waitForExit(30)).isZero(); // the sink stood down
            pair.standby.execute("INSERT INTO rj.t VALUES (101, 'on the new')", "UPDATE rj.t SET v = 'changed' WHERE id = 5",
                    "DELETE FROM rj.t WHERE id = 6", "CREATE TABLE rj.u (id INT PRIMARY KEY)", "INSERT INTO rj.u VALUES (1)");
            QreplRun status = QreplRun.of("status", "-c", pair.config.toString());
            assertThat(status.code()).as("no copy is kept: that is down, for monitoring").isEqualTo(2);
            assertThat(status.out()).contains("link shard0    DOWN", "no copy is kept until the other server rejoins");

            pair.primary.restart();
            agents.set(0, SwitchablePair.agent(pair, "source", "shard0-source").start());
            QreplRun rejoin = QreplRun.of("rejoin", "-c", pair.config.toString());
            System.out.println(rejoin.out() + rejoin.err());
            assertThat(rejoin.code()).as(rejoin.out() + rejoin.err()).isZero();
            assertThat(rejoin.out()).contains("is the standby of standby", "list what only the old primary holds",
                    "0 transaction(s) of the application", "activate the reverse stream", "its activation row is applied on primary");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            pair.standby.execute("INSERT INTO rj.t VALUES (102, 'after rejoin')");
            awaitSame(pair.standby, pair.primary, "SELECT COUNT(*), GROUP_CONCAT(v ORDER BY id) FROM rj.t");
            awaitSame(pair.standby, pair.primary, "SELECT COUNT(*) FROM rj.u");
            pair.assertSameData();

            // back to the first direction, as before the outage: its sink runs again (dormant), then a switchover
            agents.set(1, SwitchablePair.agent(pair, "sink", "shard0-sink").start());
            QreplRun back = QreplRun.of("switchover", "-c", pair.config.toString());
            System.out.println(back.out() + back.err());
            assertThat(back.code()).as(back.out() + back.err()).isZero();
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            pair.primary.execute("INSERT INTO rj.t VALUES (103, 'home again')");
            awaitSame(pair.primary, pair.standby, "SELECT COUNT(*), GROUP_CONCAT(v ORDER BY id) FROM rj.t");
            pair.assertSameData();
            QreplRun drills = QreplRun.of("drills", "-c", pair.config.toString());
            assertThat(drills.out()).contains("failover", "rejoin", "switchover");
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    /**
     * The old primary committed transactions its source read and spooled but never sent (the sink was
     * down). A plain rejoin refuses, listing them, and leaves everything as it was; {@code --rewind}
     * undoes them in place and rejoins; the old link's sink, run again, passes over those transactions,
     * which its source still sends from its spool; the pair then switches back, and neither server ever
     * holds them.
     */
    @Test
    void unshippedTransactionsRefuseARejoinAndARewindUndoesThem() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE rj", "CREATE TABLE rj.t (id INT PRIMARY KEY, v VARCHAR(20), g INT AS (id * 2) VIRTUAL)",
                    "INSERT INTO rj.t (id, v) VALUES (1, 'one'), (4, 'four')", "CREATE TABLE rj.big (id INT PRIMARY KEY, v VARCHAR(2000))");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            assertThat(agents.get(1).stop()).isIn(0, 143); // the link is cut at the sink: what follows is spooled, never sent
            pair.primary.execute("INSERT INTO rj.t (id, v) VALUES (2, 'errant')", "UPDATE rj.t SET v = 'errant' WHERE id = 1",
                    "DELETE FROM rj.t WHERE id = 4",
                    // about 10 MB of binlog: read in parts, the first starting with the savepoint of a group that may yet roll back
                    "INSERT INTO rj.big SELECT seq, REPEAT('x', 2000) FROM rj.seq_1_to_5000",
                    // logged, rows and all, but rolled back: the old primary kept none of it, so it is not lost
                    "BEGIN", "INSERT INTO rj.t (id, v) VALUES (3, 'rolled back')", "CREATE TEMPORARY TABLE rj.tmp (a INT)",
                    "DROP TEMPORARY TABLE rj.tmp", "ROLLBACK");
            String errantEnd = pair.primary.queryOne("SELECT @@gtid_binlog_pos");
            await().atMost(Duration.ofSeconds(30)).until(() -> ReplicationPair.reached(
                    io.qreplicator.core.status.StatusFile.read(pair.dir.resolve("source")).get("source.spooled.gtid"), errantEnd));
            agents.get(0).kill();
            pair.primary.kill();
            QreplRun failover = QreplRun.of("failover", "-c", pair.config.toString(), "--link", "shard0");
            assertThat(failover.code()).as(failover.out() + failover.err()).isZero();
            pair.standby.execute("INSERT INTO rj.t (id, v) VALUES (10, 'on the new')");

            pair.primary.restart();
            agents.set(0, SwitchablePair.agent(pair, "source", "shard0-source").start());
            QreplRun rejoin = QreplRun.of("rejoin", "-c", pair.config.toString());
            assertThat(rejoin.code()).as(rejoin.out() + rejoin.err()).isEqualTo(1);
            assertThat(rejoin.err()).contains("holds 4 transaction(s) of the application that the new primary never got",
                    ".json", ".sql", "It stays read-only", "qrepl rejoin --rewind");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).as("fenced, its rows as they were").isEqualTo("1");
            assertThat(pair.primary.queryOne("SELECT GROUP_CONCAT(id, v ORDER BY id) FROM rj.t")).isEqualTo("1errant,2errant");

            QreplRun rewind = QreplRun.of("rejoin", "-c", pair.config.toString(), "--rewind");
            System.out.println(rewind.out() + rewind.err());
            assertThat(rewind.code()).as(rewind.out() + rewind.err()).isZero();
            assertThat(rewind.out()).contains("undo them on the old primary", "row change(s) of 4 transaction(s) undone",
                    "its activation row is applied on primary");
            awaitSame(pair.standby, pair.primary, "SELECT GROUP_CONCAT(id, v ORDER BY id) FROM rj.t");
            assertThat(pair.primary.queryOne("SELECT GROUP_CONCAT(id, v ORDER BY id) FROM rj.t")).isEqualTo("1one,4four,10on the new");
            assertThat(pair.primary.queryOne("SELECT COUNT(*) FROM rj.big")).isEqualTo("0");

            // the old link's sink runs again: its source still holds the undone transactions, unsent; they are passed over
            agents.set(1, SwitchablePair.agent(pair, "sink", "shard0-sink").start());
            await().atMost(Duration.ofSeconds(60)).until(() -> agents.get(1).logText().contains("that the rejoin's rewind took back"));
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id, v ORDER BY id) FROM rj.t")).isEqualTo("1one,4four,10on the new");
            QreplRun back = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(back.code()).as("%s%s\n--- back-source:\n%s\n--- back-sink:\n%s\n--- sink:\n%s", back.out(), back.err(),
                    tail(agents.get(2)), tail(agents.get(3)), tail(agents.get(1))).isZero();
            pair.primary.execute("INSERT INTO rj.t (id, v) VALUES (11, 'home again')");
            awaitSame(pair.primary, pair.standby, "SELECT GROUP_CONCAT(id, v ORDER BY id) FROM rj.t");
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id, v ORDER BY id) FROM rj.t"))
                    .isEqualTo("1one,4four,10on the new,11home again");
            pair.assertSameData();
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    private static String tail(AgentProcess a) throws Exception {
        String log = a.logText();
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static void awaitSame(MariaDbServer from, MariaDbServer to, String query) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(to.queryOne(query)).isEqualTo(from.queryOne(query)));
    }
}
