package io.qreplicator.cli;

import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code qrepl sink skip} writes a request only for a transaction the sink's spool holds as named. */
class SinkSkipCommandTest {
    @TempDir
    Path dir;
    Path config;
    Path request;

    @BeforeEach
    void sinkWithASpool() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        config = dir.resolve("qreplicator.yaml");
        assertThat(Main.run("init", "--primary", "127.0.0.1:3306", "--standby", "127.0.0.1:3307", "--user", "qrepl",
                "--password-file", pw.toString(), "--data-dir", dir.toString(), "--output", config.toString())).isZero();
        try (Spool spool = Spool.open(dir.resolve("sink").resolve("spool"))) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE TABLE items (id INT PRIMARY KEY)")));
            spool.append(Records.record(2));
        }
        request = dir.resolve("sink").resolve("skip.properties");
    }

    @Test
    void theTransactionNamedAsTheSpoolHoldsItIsRequestedAndShown() throws Exception {
        QreplRun run = QreplRun.of("sink", "skip", "-c", config.toString(), "--seq", "1", "--gtid", "0-1-1", "--reason",
                "the standby cannot run it (ticket 42)");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("passes over this transaction", "CREATE TABLE items", "divergence.log", "qrepl verify");
        assertThat(Files.readString(request)).contains("seq=1", "gtid=0-1-1", "ticket 42");
    }

    @Test
    void aGtidThatIsNotTheSpoolsAtThatSeqIsRefusedAndNothingWritten() {
        QreplRun run = QreplRun.of("sink", "skip", "-c", config.toString(), "--seq", "2", "--gtid", "0-1-1", "--reason", "x");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("seq 2 in the sink's spool is GTID 0-1-2, not GTID 0-1-1", "Nothing was changed");
        assertThat(request).doesNotExist();
    }

    @Test
    void aSeqTheSpoolDoesNotHoldIsRefused() {
        QreplRun run = QreplRun.of("sink", "skip", "-c", config.toString(), "--seq", "9", "--gtid", "0-1-9", "--reason", "x");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("holds seq 1..2, not 9", "qrepl spool inspect");
        assertThat(request).doesNotExist();
    }

    @Test
    void aBlankReasonIsRefused() {
        QreplRun run = QreplRun.of("sink", "skip", "-c", config.toString(), "--seq", "1", "--gtid", "0-1-1", "--reason", " ");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--reason must say why");
        assertThat(request).doesNotExist();
    }

    @Test
    void aReasonIsRequired() {
        QreplRun run = QreplRun.of("sink", "skip", "-c", config.toString(), "--seq", "1", "--gtid", "0-1-1");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--reason");
        assertThat(request).doesNotExist();
    }
}
