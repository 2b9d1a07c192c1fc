package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A host's power loss takes back what the kernel had not yet written: the tail of a spool. Here that
 * is done for real on the files: an agent is stopped, its spool (or whole data dir) is put back as
 * an earlier copy, and it is started again. The source re-reads the binlog and, where it numbered the
 * transactions as before, the stream goes on exactly once; where it numbered them otherwise (its
 * chunk-bytes changed meanwhile, so a large transaction took another number of parts), or runs from
 * an older copy of its data dir (a restored snapshot), it is refused before anything is spliced,
 * and the standby is left as it was.
 */
class PowerLossIT {
    @TempDir
    Path dir;

    @Test
    void aSourceSpoolThatLostItsTailReSpoolsTheSameStreamExactlyOnce() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink()) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            write(pair, "pl", 1, 200);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(source.stop()).isIn(0, 143);
            Path before = copy(spool(pair, "source"), dir.resolve("source-spool-before"));

            source = pair.source();
            write(pair, "pl", 201, 400);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink); // the sink has records the source will lose
            assertThat(source.stop()).isIn(0, 143);
            replace(spool(pair, "source"), before); // the power loss

            source = pair.source();
            write(pair, "pl", 401, 500);
            pair.awaitCaughtUp(Duration.ofSeconds(90), source, sink);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM pl.t")).isEqualTo("500");
            assertThat(source.stop()).isIn(0, 143);
        }
    }

    @Test
    void aSourceThatNumbersTheReReadTransactionsOtherwiseIsRefused() throws Exception {
        // a transaction larger than chunk-bytes is spooled in parts, one seq each: read again after the power loss
        // with another chunk-bytes, it takes another number of seqs, and every seq after it names another transaction
        try (ReplicationPair pair = new ReplicationPair(dir, text -> text.replace("chunk-bytes: 8MiB", "chunk-bytes: 64KiB"));
             AgentProcess sink = pair.sink()) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            write(pair, "pl", 1, 50);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(source.stop()).isIn(0, 143);
            Path before = copy(spool(pair, "source"), dir.resolve("source-spool-before"));

            source = pair.source();
            pair.primary.execute("CREATE TABLE pl.big (id INT PRIMARY KEY, pad VARCHAR(200))", "USE pl",
                    "INSERT INTO pl.big SELECT seq, REPEAT('p', 200) FROM seq_1_to_3000"); // about 700 KB: 10 parts
            write(pair, "pl", 51, 100);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(source.stop()).isIn(0, 143);
            replace(spool(pair, "source"), before); // the power loss, then chunk-bytes was changed before the restart
            Files.writeString(pair.config, Files.readString(pair.config).replace("chunk-bytes: 64KiB", "chunk-bytes: 8MiB"));
            String standbyBefore = pair.standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint");

            AgentProcess again = pair.source();
            assertThat(again.waitForExit(120)).as("source exit code; log:\n%s", again.logText()).isEqualTo(1);
            assertThat(again.logText()).contains("is not this source's record of that seq").contains("nothing was sent");
            assertThat(pair.standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint")).isEqualTo(standbyBefore);
            assertThat(sink.isAlive()).isTrue();
        }
    }

    @Test
    void aSourceRunFromAnOlderCopyOfItsDataDirIsRefused() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink()) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            write(pair, "pl", 1, 20);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(source.stop()).isIn(0, 143);
            Path snapshot = copy(dir.resolve("source"), dir.resolve("source-snapshot"));

            source = pair.source(); // a newer start: the sink welcomes a higher epoch
            write(pair, "pl", 21, 40);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(source.stop()).isIn(0, 143);
            replace(dir.resolve("source"), snapshot); // the VM snapshot is restored
            String standbyBefore = pair.standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint");

            try (AgentProcess stale = pair.source()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> sink.logText().contains("runs from an older copy of its data dir"));
                assertThat(pair.standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint")).isEqualTo(standbyBefore);
            }
        }
    }

    private static void write(ReplicationPair pair, String db, int from, int to) throws Exception {
        pair.primary.execute("CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
        for (int i = from; i <= to; i += 10) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + db + ".t VALUES ");
            for (int k = i; k < i + 10 && k <= to; k++) {
                sql.append(k > i ? "," : "").append('(').append(k).append(", 'v").append(k).append("')");
            }
            pair.primary.execute(sql.toString());
        }
    }

    private static Path spool(ReplicationPair pair, String agent) {
        return pair.dir.resolve(agent).resolve("spool");
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    /** Puts {@code copy} where {@code dir} is, as the disk would hold it after the power loss. */
    private static void replace(Path dir, Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        copy(copy, dir);
    }
}
