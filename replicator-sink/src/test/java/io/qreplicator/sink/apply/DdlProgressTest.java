package io.qreplicator.sink.apply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DdlProgressTest {
    @TempDir
    Path dir;

    @Test
    void aStatementStartedBeforeAStopIsOneThatMayBeAppliedForTheSinkStartedAgain() {
        DdlProgress before = DdlProgress.in(dir);
        before.starting(7, "0-1-7", "b.1:7", 0, 2);
        DdlProgress after = DdlProgress.in(dir); // the sink's process started again
        assertThat(after.earlier(7, "0-1-7", "b.1:7", 0, 2)).isEqualTo(new DdlProgress.Earlier(true, 0, false));
        assertThat(after.earlier(7, "0-1-7", "b.1:7", 0, 0)).as("a statement before it in its transaction ran too").extracting(
                DdlProgress.Earlier::mayBeApplied).isEqualTo(true);
        assertThat(after.earlier(7, "0-1-7", "b.1:7", 0, 3)).as("one after it never ran").isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(after.earlier(8, "0-1-8", "b.1:8", 0, 2)).as("another transaction").isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(after.earlier(7, "0-2-7", "b.1:7", 0, 2)).as("another GTID at the same seq").isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(after.earlier(8, "0-1-7", "b.1:7", 1, 0)).as("a later part").isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(after.earlier(31, "0-1-7", "b.1:31", 0, 2).mayBeApplied()).as("sent again at another seq by a restarted source").isTrue();
    }

    @Test
    void withoutAGtidATransactionIsKnownByTheSeqOfItsFirstPart() {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(12, "", "b.1:10", 2, 0); // part 2 of the transaction whose part 0 is seq 10
        assertThat(p.earlier(10, "", "b.1:10", 0, 5).mayBeApplied()).as("its first part, sent before").isTrue();
        assertThat(p.earlier(12, "", "b.1:10", 2, 0).mayBeApplied()).isTrue();
        assertThat(p.earlier(13, "", "b.1:10", 3, 0)).as("a later part").isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(p.earlier(12, "", "b.1:12", 0, 0)).as("another transaction at that seq").isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(p.earlier(40, "", "b.1:10", 0, 0).mayBeApplied()).as("sent again at new seqs: the same binlog position")
                .isTrue();
    }

    @Test
    void noRecordMeansNoStatementMayBeApplied() {
        assertThat(DdlProgress.in(dir).earlier(1, "0-1-1", "b.1:1", 0, 0)).isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(dir.resolve(DdlProgress.FILE)).doesNotExist();
    }

    @Test
    void aRefusalIsKeptWithItsErrorUntilTheStatementGoesThrough() {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(7, "0-1-7", "b.1:7", 0, 0);
        p.refused(1050);
        DdlProgress after = DdlProgress.in(dir);
        assertThat(after.earlier(7, "0-1-7", "b.1:7", 0, 0)).isEqualTo(new DdlProgress.Earlier(true, 1050, false));
        after.starting(7, "0-1-7", "b.1:7", 0, 0);
        assertThat(DdlProgress.in(dir).earlier(7, "0-1-7", "b.1:7", 0, 0)).as("started again, and the connection lost: a retry meets"
                + " the refusal still").isEqualTo(new DdlProgress.Earlier(true, 1050, false));
        after.ran();
        assertThat(DdlProgress.in(dir).earlier(7, "0-1-7", "b.1:7", 0, 0)).as("through: a crash before its checkpoint replays it")
                .isEqualTo(new DdlProgress.Earlier(true, 0, false));
    }

    @Test
    void aStatementTheStandbyAnsweredWithALockWaitLeavesTheRecordAsItWas() {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(7, "0-1-7", "b.1:7", 0, 0);
        p.notRun();
        assertThat(DdlProgress.in(dir).earlier(7, "0-1-7", "b.1:7", 0, 0)).as("no record: its retry is no replay")
                .isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(dir.resolve(DdlProgress.FILE)).doesNotExist();
        p.starting(7, "0-1-7", "b.1:7", 0, 0);
        p.refused(1050);
        DdlProgress after = DdlProgress.in(dir);
        after.starting(7, "0-1-7", "b.1:7", 0, 0);
        after.notRun();
        assertThat(DdlProgress.in(dir).earlier(7, "0-1-7", "b.1:7", 0, 0)).as("the refusal, as it was")
                .isEqualTo(new DdlProgress.Earlier(true, 1050, false));
    }

    @Test
    void anEarlierStatementRunAgainLeavesALaterOnesRecordAsItIs() {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(7, "0-1-7", "b.1:7", 0, 3);
        p.diverged();
        DdlProgress after = DdlProgress.in(dir);
        after.starting(7, "0-1-7", "b.1:7", 0, 0);
        after.ran();
        assertThat(DdlProgress.in(dir).earlier(7, "0-1-7", "b.1:7", 0, 3)).isEqualTo(new DdlProgress.Earlier(true, 0, true));

        p.starting(8, "0-1-8", "b.1:8", 0, 3);
        p.refused(1050);
        DdlProgress again = DdlProgress.in(dir);
        again.starting(8, "0-1-8", "b.1:8", 0, 3); // its retry lost the connection: the refusal is kept
        again.starting(8, "0-1-8", "b.1:8", 0, 0); // the transaction again from its first statement, which passes as a replay
        again.ran();
        again.starting(8, "0-1-8", "b.1:8", 0, 1);
        again.notRun();
        assertThat(DdlProgress.in(dir).earlier(8, "0-1-8", "b.1:8", 0, 3)).as("the later statement's refusal, as it was")
                .isEqualTo(new DdlProgress.Earlier(true, 1050, false));
    }

    @Test
    void aStatementThatDivergedIsKeptAsSuch() {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(9, "", "b.1:9", 0, 0);
        p.diverged();
        assertThat(DdlProgress.in(dir).earlier(9, "", "b.1:9", 0, 0)).isEqualTo(new DdlProgress.Earlier(true, 0, true));
    }

    @Test
    void aRetryOfTheSameTransactionKeepsTheLaterStatementItReached() {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(5, "0-1-5", "b.1:5", 0, 0);
        p.starting(5, "0-1-5", "b.1:5", 0, 3); // its rows after statement 0 failed, and the transaction runs again from the start
        p.starting(5, "0-1-5", "b.1:5", 0, 0);
        assertThat(DdlProgress.in(dir).earlier(5, "0-1-5", "b.1:5", 0, 3).mayBeApplied()).isTrue();
    }

    @Test
    void theRecordGoesOnceItsTransactionCommitsAndNotBefore() throws Exception {
        DdlProgress p = DdlProgress.in(dir);
        p.starting(5, "0-1-5", "b.1:5", 0, 0);
        p.committed(4);
        assertThat(dir.resolve(DdlProgress.FILE)).exists();
        p.committed(5);
        assertThat(dir.resolve(DdlProgress.FILE)).doesNotExist();
        assertThat(p.earlier(5, "0-1-5", "b.1:5", 0, 0)).isEqualTo(DdlProgress.Earlier.NONE);
        assertThat(Files.list(dir)).as("no temporary file left").isEmpty();
    }

    @Test
    void aDamagedRecordStopsTheSinkWithWhatToDo() throws Exception {
        Files.writeString(dir.resolve(DdlProgress.FILE), "seq=5\nstate=halfway\n");
        assertThatThrownBy(() -> DdlProgress.in(dir).earlier(5, "", "b.1:5", 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(DdlProgress.FILE).hasMessageContaining("is damaged").hasMessageContaining("Remove the file")
                .hasMessageContaining("qrepl sink skip");
    }
}
