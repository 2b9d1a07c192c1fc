package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl switchover} opens every connection its write pause uses before the pause: across
 * datacenters a new connection costs several round trips (TCP, the server's greeting,
 * authentication, the driver's set-up), and the seven opened inside the pause made it 948 ms at
 * the median at a 50 ms round trip, and longer than its 2 s budget at 100 ms (docs/benchmarks.md,
 * "Switchover across a round trip").
 *
 * <p>The command reaches each server through a {@link PartitionProxy} that writes how many
 * connections it has accepted; the pre-switchover hook (run once those connections are open) and
 * the post-switchover hook (run after the pause and the wait for the reverse stream) each copy
 * both counts.
 */
class SwitchoverConnectionsIT {
    @TempDir
    Path dir;

    @Test
    void theWritePauseOpensNoConnectionToEitherServer() throws Exception {
        Setup s = setUp("");
        try (s.toPrimary; s.toStandby) {
            QreplRun over = QreplRun.of("switchover", "-c", s.operator.toString());
            assertThat(over.code()).as(over.out() + over.err()).isZero();
            s.writeOnStandbyAndAwaitItOnPrimary(2);
            QreplRun back = QreplRun.of("switchover", "-c", s.operator.toString());
            assertThat(back.code()).as(back.out() + back.err()).isZero();

            List<String> before = Files.readAllLines(s.pre);
            assertThat(before).hasSize(2);
            assertThat(before.get(0)).startsWith("standby ");
            assertThat(before.get(1)).startsWith("primary ");
            assertThat(Files.readAllLines(s.post)).as("connections accepted (new primary, to the primary, to the standby) at"
                    + " each post-switchover hook, against the pre-switchover hook's").isEqualTo(before);
            assertThat(before.get(0).split(" ")).as("the command did reach both servers through their proxies")
                    .doesNotContain("0");
        } finally {
            s.stop();
        }
    }

    /**
     * The connections sit idle while the pre-switchover hook runs, which may take a while: a
     * firewall may drop them, a server restart or an admin's KILL end them. Those that do not
     * answer any more are opened again before the pause, instead of failing its first step.
     */
    @Test
    void connectionsLostWhileThePreHookRunsAreOpenedAgainBeforeThePause() throws Exception {
        Path waiting = dir.resolve("hook-waiting");
        Setup s = setUp("touch " + waiting + "\nwhile [ -f " + waiting + " ]; do sleep 0.05; done\n");
        try (s.toPrimary; s.toStandby) {
            CompletableFuture<QreplRun> over = CompletableFuture.supplyAsync(() -> QreplRun.of("switchover", "-c",
                    s.operator.toString()));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(waiting) || over.isDone());
            assertThat(over.isDone()).as(() -> "the command waits in its pre-switchover hook, but it ended: "
                    + over.join().out() + over.join().err()).isFalse();
            s.toPrimary.heal(); // closes every connection through it, both ends
            s.toStandby.heal();
            Files.delete(waiting);
            QreplRun done = over.get(120, TimeUnit.SECONDS);
            assertThat(done.code()).as(done.out() + done.err()).isZero();
            assertThat(done.out()).contains("standby 127.0.0.1:" + s.toStandby.port() + " is the primary");

            String[] before = Files.readAllLines(s.pre).get(0).split(" ");
            String[] after = Files.readAllLines(s.post).get(0).split(" ");
            assertThat(Integer.parseInt(after[1]) - Integer.parseInt(before[1])).as("opened again to the old primary").isEqualTo(2);
            assertThat(Integer.parseInt(after[2]) - Integer.parseInt(before[2])).as("opened again to the new primary").isEqualTo(1);
            s.writeOnStandbyAndAwaitItOnPrimary(2);
        } finally {
            s.stop();
        }
    }

    /**
     * A rollback runs on the pause's connections, and on a fresh one only where such a connection is
     * lost: first a standby that applies nothing within the budget, then the same with the old
     * primary's two connections cut while the pause waits.
     */
    @Test
    void aRollbackOpensAConnectionOnlyWhereOneIsLost() throws Exception {
        Setup s = setUp("");
        try (s.toPrimary; s.toStandby) {
            s.agents.get(1).kill(); // the forward sink: the standby never applies the stand-down row
            QreplRun budget = QreplRun.of("switchover", "-c", s.operator.toString(), "--max-pause", "1s", "--max-lag", "60s");
            assertThat(budget.code()).as(budget.out() + budget.err()).isEqualTo(5);
            assertThat(budget.out()).contains("ROLLED BACK", "within --max-pause", "read_only = 0 on primary");
            List<String> before = Files.readAllLines(s.pre);
            assertThat(before).hasSize(1);
            assertThat(before.get(0)).as("connections accepted (to the primary, to the standby) when the pre-switchover hook"
                    + " ran, and after the rollback").isEqualTo("standby " + Files.readString(s.primaryCount).trim() + " "
                    + Files.readString(s.standbyCount).trim());

            CompletableFuture<QreplRun> over = CompletableFuture.supplyAsync(() -> QreplRun.of("switchover", "-c",
                    s.operator.toString(), "--max-pause", "5s", "--max-lag", "60s"));
            await().atMost(Duration.ofSeconds(60)).until(() -> over.isDone()
                    || s.pair.primary.queryOne("SELECT @@global.read_only").equals("1"));
            assertThat(over.isDone()).as(() -> "in the write pause, but the command ended: " + over.join().out()
                    + over.join().err()).isFalse();
            int opened = Integer.parseInt(Files.readString(s.primaryCount).trim());
            s.toPrimary.heal(); // closes both held connections to the old primary
            QreplRun done = over.get(120, TimeUnit.SECONDS);
            assertThat(done.code()).as(done.out() + done.err()).isEqualTo(5);
            assertThat(done.out()).contains("ROLLED BACK", "shard0-source ships again from its stand-down row",
                    "read_only = 0 on primary").doesNotContain("ROLLBACK INCOMPLETE");
            assertThat(Integer.parseInt(Files.readString(s.primaryCount).trim())).as("one fresh connection to the old primary")
                    .isEqualTo(opened + 1);
            assertThat(s.pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");

            s.agents.set(1, SwitchablePair.agent(s.pair, "sink", "shard0-sink").start());
            s.pair.primary.execute("INSERT INTO sc.t VALUES (2)");
            s.pair.awaitCaughtUp(Duration.ofSeconds(60), s.agents.toArray(AgentProcess[]::new));
            s.pair.assertSameData();
        } finally {
            s.stop();
        }
    }

    /** A switchable pair with its agents running and caught up, and the operator's config through the proxies. */
    private record Setup(ReplicationPair pair, List<AgentProcess> agents, PartitionProxy toPrimary, PartitionProxy toStandby,
                         Path operator, Path pre, Path post, Path primaryCount, Path standbyCount) {
        /** A row on the standby, now the primary, that the reverse link brings to the old primary, with a heartbeat. */
        void writeOnStandbyAndAwaitItOnPrimary(int id) throws Exception {
            pair.standby.execute("INSERT INTO sc.t VALUES (" + id + ")");
            // and the reverse source's heartbeat, by which the command tells the old primary's lag (a second apart)
            await().atMost(Duration.ofSeconds(60)).until(() -> pair.primary.queryOne("SELECT COUNT(*) FROM sc.t WHERE id = " + id)
                    .equals("1") && !pair.primary.queryOne("SELECT COUNT(*) FROM qreplicator.heartbeat WHERE source = '"
                    + SwitchablePair.BACK_SOURCE + "'").equals("0"));
        }

        void stop() throws Exception {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    /** @param preHookMore what the pre-switchover hook does after it has copied the counts */
    private Setup setUp(String preHookMore) throws Exception {
        Path primaryCount = dir.resolve("primary.accepted");
        Path standbyCount = dir.resolve("standby.accepted");
        String copyCounts = "echo \"$QREPL_NEW_PRIMARY $(cat " + primaryCount + ") $(cat " + standbyCount + ")\" >> ";
        Path pre = dir.resolve("pre.txt");
        Path post = dir.resolve("post.txt");
        Path preHook = HookScript.write(dir, "pre.sh", copyCounts + pre + "\n" + preHookMore);
        Path postHook = HookScript.write(dir, "post.sh", copyCounts + post + "\n");
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg + "\nhooks:\n  pre-switchover: " + preHook
                + "\n  post-switchover: " + postHook + "\n");
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        PartitionProxy toPrimary = new PartitionProxy(pair.primary.port()).countingAcceptsIn(primaryCount);
        PartitionProxy toStandby = new PartitionProxy(pair.standby.port()).countingAcceptsIn(standbyCount);
        // the operator's view of the servers: both through the counting proxies; the agents reach them directly
        String operatorCfg = Files.readString(pair.config)
                .replace("    port: " + pair.primary.port() + "\n", "    port: " + toPrimary.port() + "\n")
                .replace("    port: " + pair.standby.port() + "\n", "    port: " + toStandby.port() + "\n");
        assertThat(operatorCfg).as("both servers' ports replaced").contains("port: " + toPrimary.port(), "port: " + toStandby.port());
        Path operator = dir.resolve("operator.yaml");
        Files.writeString(operator, operatorCfg);

        pair.awaitSourceAttached(agents.get(0));
        pair.primary.execute("CREATE DATABASE sc", "CREATE TABLE sc.t (id INT PRIMARY KEY)", "INSERT INTO sc.t VALUES (1)");
        SwitchablePair.awaitReadyToSwitch(pair, agents);
        return new Setup(pair, agents, toPrimary, toStandby, operator, pre, post, primaryCount, standbyCount);
    }
}
