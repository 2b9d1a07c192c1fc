package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ctrl-C or SIGTERM reaching {@code qrepl switchover} once the old primary is read-only does not
 * leave both servers read-only with neither direction replicating: inside the write pause the
 * command rolls back before it exits, after it it finishes (post-switchover hook, record), and it
 * exits with the code it would have without the signal. The command runs in its own JVM here, so
 * that the signal is a real one.
 */
class SwitchoverSignalIT {
    @TempDir
    Path dir;

    @Test
    void ctrlCInsideTheWritePauseRollsBackBeforeExiting() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            setUp(pair, agents);
            agents.get(1).kill(); // the forward sink: the standby never applies the stand-down row, the pause lasts
            AgentProcess over = switchOverThenSignal(pair, pair.primary, "1", "INT", "--max-pause", "120s", "--max-lag", "60s");
            try (over) {
                assertThat(over.waitForExit(60)).as("rolled back; log:\n%s", over.logText()).isEqualTo(5);
            }
            String log = over.logText();
            assertThat(log).contains("stop requested; rolling back (the old primary writable again) before exiting",
                    "ROLLED BACK: stopped by a signal (Ctrl-C or SIGTERM) inside the write pause",
                    "shard0-source ships again from its stand-down row", "read_only = 0 on primary", "record: ");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            assertThat(pair.primary.queryOne("SELECT CONCAT(epoch, ' ', active) FROM qreplicator.source_role WHERE source ="
                    + " 'shard0-source' ORDER BY epoch DESC LIMIT 1")).as("the forward source active again").endsWith(" 1");

            // replication goes on as before, with what the primary committed while the sink was away
            pair.primary.execute("INSERT INTO sig.t VALUES (2)");
            agents.set(1, SwitchablePair.agent(pair, "sink", "shard0-sink").start());
            pair.primary.execute("INSERT INTO sig.t VALUES (3)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            pair.assertSameData();
            assertThat(QreplRun.of("drills", "-c", pair.config.toString()).out()).contains("rolled back");
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    @Test
    void sigtermAfterTheSwitchStillRunsThePostSwitchoverHookAndWritesTheRecord() throws Exception {
        Path postRan = dir.resolve("post-ran");
        Path postHook = HookScript.write(dir, "post.sh", "echo \"$QREPL_NEW_PRIMARY\" > " + postRan + "\n");
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg + "\nhooks:\n  post-switchover: " + postHook + "\n");
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            setUp(pair, agents);
            agents.get(2).kill(); // the reverse source: the command waits for the reverse stream after the switch
            AgentProcess over = switchOverThenSignal(pair, pair.standby, "0", "TERM", "--attach-timeout", "300s");
            try (over) {
                assertThat(over.waitForExit(60)).as("switched with warnings; log:\n%s", over.logText()).isEqualTo(4);
            }
            String log = over.logText();
            assertThat(log).contains("stop requested; finishing the switchover", "not waited for: stopped by a signal",
                    "WARNING: a stop signal ended the wait for the reverse stream", "post-switchover hook", "record: ");
            assertThat(Files.readString(postRan).trim()).as("the post-switchover hook ran").isEqualTo("standby");
            assertThat(pair.standby.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("1");

            // the reverse stream starts from the recorded position once its source runs
            pair.standby.execute("INSERT INTO sig.t VALUES (2)");
            agents.set(2, SwitchablePair.agent(pair, "source", SwitchablePair.BACK_SOURCE).start());
            await().atMost(Duration.ofSeconds(60)).until(() -> pair.primary.queryOne("SELECT COUNT(*) FROM sig.t").equals("2"));
            assertThat(QreplRun.of("drills", "-c", pair.config.toString()).out()).contains("switched with warnings");
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    /**
     * A signal while the pre-switchover hook runs lets the hook end (killed halfway, it could leave a
     * VIP half moved) and stops before anything of the switchover changes, saying that the hook ran.
     * It ended the JVM at once, the hook orphaned and the message lost.
     */
    @Test
    void sigtermWhileThePreSwitchoverHookRunsLetsItEndAndChangesNothing() throws Exception {
        Path started = dir.resolve("pre-started");
        Path ended = dir.resolve("pre-ended");
        Path preHook = HookScript.write(dir, "pre.sh", "touch " + started + "\nsleep 3\ntouch " + ended + "\n");
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg + "\nhooks:\n  pre-switchover: " + preHook + "\n");
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            setUp(pair, agents);
            AgentProcess over = new AgentProcess(dir.resolve("switchover.log"), "switchover", "-c", pair.config.toString()).start();
            try (over) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !over.isAlive() || Files.exists(started));
                assertThat(over.isAlive()).as("still running in its hook; log:\n%s", over.logText()).isTrue();
                over.signal("TERM");
                assertThat(over.waitForExit(60)).as("refused; log:\n%s", over.logText()).isEqualTo(3);
            }
            assertThat(ended).as("the hook ran to its end").exists();
            assertThat(over.logText()).contains("stop requested; letting the pre-switchover hook end",
                    "stopped by a signal (Ctrl-C or SIGTERM) while the pre-switchover hook ran; nothing of the switchover was"
                            + " changed, but the hook ran (", "undo what it did");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            assertThat(QreplRun.of("drills", "-c", pair.config.toString()).out()).contains("refused");
            pair.primary.execute("INSERT INTO sig.t VALUES (2)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            pair.assertSameData();
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    /**
     * {@code qrepl switchover OPTIONS} in its own JVM, sent {@code signal} once {@code server}'s
     * read_only reads {@code readOnly} (the old primary fenced: in the pause; the standby writable:
     * switched); returned running, for the caller to wait for its exit.
     */
    private AgentProcess switchOverThenSignal(ReplicationPair pair, MariaDbServer server, String readOnly, String signal,
                                              String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("switchover", "-c", pair.config.toString()));
        args.addAll(List.of(options));
        AgentProcess over = new AgentProcess(dir.resolve("switchover.log"), args.toArray(String[]::new)).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !over.isAlive()
                    || server.queryOne("SELECT @@global.read_only").equals(readOnly));
            assertThat(over.isAlive()).as("still running when read_only = %s; log:\n%s", readOnly, over.logText()).isTrue();
            over.signal(signal);
            return over;
        } catch (Exception | AssertionError e) {
            over.close();
            throw e;
        }
    }

    private static void setUp(ReplicationPair pair, List<AgentProcess> agents) throws Exception {
        pair.awaitSourceAttached(agents.get(0));
        pair.primary.execute("CREATE DATABASE sig", "CREATE TABLE sig.t (id INT PRIMARY KEY)", "INSERT INTO sig.t VALUES (1)");
        SwitchablePair.awaitReadyToSwitch(pair, agents);
    }
}
