package io.qreplicator.transport.send;

import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.record.RecordIdentity;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResumeCheckTest {
    @TempDir
    Path dir;

    /** A spool holding seqs {@code first..last}. */
    private Spool spool(long first, long last) {
        Spool s = Spool.open(dir.resolve("spool-" + first + "-" + last));
        for (long seq = first; seq <= last; seq++) {
            s.append(Records.record(seq));
        }
        return s;
    }

    @Test
    void aSinkThatHoldsWhatThisSpoolHoldsResumesRightAfterIt() {
        try (Spool s = spool(1, 10)) {
            RecordIdentity theirs = RecordIdentity.of(Records.record(7));
            assertThatCode(() -> ResumeCheck.check(s, 8, theirs, "l")).doesNotThrowAnyException();
            assertThatCode(() -> ResumeCheck.check(s, 11, RecordIdentity.of(Records.record(10)), "l")).doesNotThrowAnyException();
            assertThatCode(() -> ResumeCheck.check(s, 1, RecordIdentity.NONE, "l")).doesNotThrowAnyException();
        }
    }

    @Test
    void aSinkWhoseLastRecordRetentionRemovedHereResumesAtTheSpoolsStart() {
        try (Spool s = spool(5, 10)) {
            // records up to 4 were applied and deleted here: the sink's last one cannot be compared, and need not be
            assertThatCode(() -> ResumeCheck.check(s, 5, RecordIdentity.of(Records.record(4)), "l")).doesNotThrowAnyException();
        }
    }

    @Test
    void anEmptySpoolServesANewSinkAndWaitsForOneAheadOfIt() {
        try (Spool s = Spool.open(dir.resolve("empty"))) {
            assertThatCode(() -> ResumeCheck.check(s, 1, RecordIdentity.NONE, "l")).doesNotThrowAnyException();
            assertThatThrownBy(() -> ResumeCheck.check(s, 5, RecordIdentity.of(Records.record(4)), "l"))
                    .isInstanceOf(IllegalStateException.class)
                    .isNotInstanceOf(LinkSender.LinkFatalException.class)
                    .hasMessageContaining("this source's spool ends at seq 0");
        }
    }

    @Test
    void aSinkThatNeedsRecordsThisSpoolNoLongerHoldsIsRefusedForGood() {
        try (Spool s = spool(5, 10)) {
            assertThatThrownBy(() -> ResumeCheck.check(s, 3, RecordIdentity.of(Records.record(2)), "l"))
                    .isInstanceOf(LinkSender.LinkFatalException.class)
                    .hasMessageContaining("the sink needs seq 3 but this source's spool starts at seq 5")
                    .hasMessageContaining("Re-seed the standby");
        }
    }

    @Test
    void aSinkAheadOfThisSpoolIsWaitedForNotRefused() {
        try (Spool s = spool(1, 10)) {
            assertThatThrownBy(() -> ResumeCheck.check(s, 15, RecordIdentity.of(Records.record(14)), "l"))
                    .isInstanceOf(IllegalStateException.class)
                    .isNotInstanceOf(LinkSender.LinkFatalException.class)
                    .hasMessageContaining("the sink holds up to seq 14 but this source's spool ends at seq 10")
                    .hasMessageContaining("waiting until the source has spooled up to there again");
        }
    }

    @Test
    void aSinkWhoseLastRecordIsAnotherTransactionIsRefusedForGood() {
        try (Spool s = spool(1, 10)) {
            // seq 7 there is another transaction than this spool's seq 7 (renumbered after a power loss)
            RecordIdentity theirs = new RecordIdentity(7, "0-1-99", "mysql-bin.000001", 199, -1);
            assertThatThrownBy(() -> ResumeCheck.check(s, 8, theirs, "l"))
                    .isInstanceOf(LinkSender.LinkFatalException.class)
                    .hasMessageContaining("the sink's last record, seq 7, is not this source's record of that seq");
        }
    }

    @Test
    void aSinkWhoseLastRecordHasOtherContentIsRefusedForGood() {
        try (Spool s = spool(1, 10)) {
            RecordIdentity theirs = RecordIdentity.of(RecordCodec.encode(Records.insert(7, 7, "other content")));
            assertThatThrownBy(() -> ResumeCheck.check(s, 8, theirs, "l"))
                    .isInstanceOf(LinkSender.LinkFatalException.class)
                    .hasMessageContaining("other content (checksum");
        }
    }
}
