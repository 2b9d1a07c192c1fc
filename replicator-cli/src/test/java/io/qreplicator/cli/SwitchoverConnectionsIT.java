package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl switchover} opens every connection its write pause uses before the pause: across
 * datacenters a new connection costs several round trips (TCP, the server's greeting,
 * authentication, the driver's set-up), and six of them opened inside the pause made it twice as
 * long at a 50 ms round trip, and longer than its budget at 100 ms (docs/benchmarks.md,
 * "Switchover across a round trip").
 *
 * <p>The command reaches each server through a {@link PartitionProxy} that writes how many
 * connections it has accepted; the pre-switchover hook (run once those connections are open) and
 * the post-switchover hook (run after the pause and the wait for the reverse stream) each copy
 * both counts. Between the two, in both directions, no connection may have been opened.
 */
class SwitchoverConnectionsIT {
    @TempDir
    Path dir;

    @Test
    void theWritePauseOpensNoConnectionToEitherServer() throws Exception {
        Path primaryCount = dir.resolve("primary.accepted");
        Path standbyCount = dir.resolve("standby.accepted");
        String copyCounts = "echo \"$QREPL_NEW_PRIMARY $(cat " + primaryCount + ") $(cat " + standbyCount + ")\" >> ";
        Path pre = dir.resolve("pre.txt");
        Path post = dir.resolve("post.txt");
        Path preHook = script("pre.sh", copyCounts + pre + "\n");
        Path postHook = script("post.sh", copyCounts + post + "\n");
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg + "\nhooks:\n  pre-switchover: " + preHook
                + "\n  post-switchover: " + postHook + "\n");
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try (PartitionProxy toPrimary = new PartitionProxy(pair.primary.port()).countingAcceptsIn(primaryCount);
             PartitionProxy toStandby = new PartitionProxy(pair.standby.port()).countingAcceptsIn(standbyCount)) {
            // the operator's view of the servers: both through the counting proxies; the agents reach them directly
            String cfg = Files.readString(pair.config);
            String operatorCfg = cfg.replace("    port: " + pair.primary.port() + "\n", "    port: " + toPrimary.port() + "\n")
                    .replace("    port: " + pair.standby.port() + "\n", "    port: " + toStandby.port() + "\n");
            assertThat(operatorCfg).as("both servers' ports replaced").contains("port: " + toPrimary.port(),
                    "port: " + toStandby.port());
            Path operator = dir.resolve("operator.yaml");
            Files.writeString(operator, operatorCfg);

            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE sc", "CREATE TABLE sc.t (id INT PRIMARY KEY)", "INSERT INTO sc.t VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            QreplRun over = QreplRun.of("switchover", "-c", operator.toString());
            assertThat(over.code()).as(over.out() + over.err()).isZero();
            pair.standby.execute("INSERT INTO sc.t VALUES (2)"); // through the reverse link
            // and the reverse source's heartbeat, by which the command tells the old primary's lag (a second apart)
            await().atMost(Duration.ofSeconds(60)).until(() -> pair.primary.queryOne("SELECT COUNT(*) FROM sc.t").equals("2")
                    && !pair.primary.queryOne("SELECT COUNT(*) FROM qreplicator.heartbeat WHERE source = '"
                    + SwitchablePair.BACK_SOURCE + "'").equals("0"));
            QreplRun back = QreplRun.of("switchover", "-c", operator.toString());
            assertThat(back.code()).as(back.out() + back.err()).isZero();

            List<String> before = Files.readAllLines(pre);
            List<String> after = Files.readAllLines(post);
            assertThat(before).hasSize(2);
            assertThat(before.get(0)).startsWith("standby ");
            assertThat(before.get(1)).startsWith("primary ");
            assertThat(after).as("connections accepted (new primary, to the primary, to the standby) at each post-switchover"
                    + " hook, against the pre-switchover hook's").isEqualTo(before);
            assertThat(before.get(0).split(" ")[1]).as("the command did reach the primary through its proxy").isNotEqualTo("0");
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    private Path script(String name, String body) throws Exception {
        return HookScript.write(dir, name, body);
    }
}
