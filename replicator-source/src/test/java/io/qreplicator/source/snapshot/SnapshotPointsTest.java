package io.qreplicator.source.snapshot;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.model.VerifyChunk;
import io.qreplicator.core.position.SourcePosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A verify chunk goes into the stream exactly between the transactions its snapshot held and the first it did not. */
class SnapshotPointsTest {
    private static final VerifyChunk CHUNK = new VerifyChunk("r", 1, "s", "t", List.of("a"), List.of("a"), List.of(), List.of(), false);

    private static SourcePosition at(String file, long pos) {
        return new SourcePosition("", "", file, pos);
    }

    private static Transaction whole(String file, long end) {
        return new Transaction(0, at(file, end), 0, 1, 10, List.of());
    }

    private static Transaction firstPart(String file, long start) {
        return new Transaction(0, at(file, start), 0, 1, 10, List.of(), 0, false);
    }

    @Test
    void aChunkGoesBeforeTheFirstTransactionEndingPastItsSnapshot() throws Exception {
        SnapshotPoints points = new SnapshotPoints();
        List<Change> appended = new ArrayList<>();
        CompletableFuture<Long> placed = points.offer(CHUNK, "./mariadb-bin.000002", 500);
        points.placeBefore(whole("mariadb-bin.000002", 500), at("mariadb-bin.000002", 400), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).as("a transaction ending at the snapshot's position is in the snapshot").isEmpty();
        points.placeBefore(whole("mariadb-bin.000002", 620), at("mariadb-bin.000002", 500), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).containsExactly(CHUNK);
        assertThat(placed.get()).isPositive();
        points.answer(new VerifyAnswer("r", 1, "3:1:2"));
        points.placeBefore(whole("mariadb-bin.000002", 700), at("mariadb-bin.000002", 620), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).containsExactly(CHUNK, new VerifyAnswer("r", 1, "3:1:2"));
    }

    @Test
    void aLargeTransactionStartingAtTheSnapshotComesAfterTheChunkAndItsPartsAreNeverSplit() throws Exception {
        SnapshotPoints points = new SnapshotPoints();
        List<Change> appended = new ArrayList<>();
        CompletableFuture<Long> placed = points.offer(CHUNK, "mariadb-bin.000003", 4);
        Transaction part1 = new Transaction(0, at("mariadb-bin.000003", 4), 0, 1, 10, List.of(), 1, false);
        points.placeBefore(part1, at("mariadb-bin.000003", 4), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).as("not between the parts of a transaction").isEmpty();
        points.placeBefore(firstPart("mariadb-bin.000003", 4), at("mariadb-bin.000003", 4), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).containsExactly(CHUNK);
        assertThat(placed.get()).isPositive();
    }

    @Test
    void aChunkWhosePlaceTheSpoolerPassedIsRefusedAndNotAppended() throws Exception {
        SnapshotPoints points = new SnapshotPoints();
        List<Change> appended = new ArrayList<>();
        CompletableFuture<Long> placed = points.offer(CHUNK, "mariadb-bin.000009", 900);
        points.placeBefore(whole("mariadb-bin.000010", 300), at("mariadb-bin.000010", 200), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).isEmpty();
        assertThat(placed.get()).isEqualTo(-1L);
    }

    /** An offerer that gave up (its connection failed after the read) takes its step back: it is never placed behind its back. */
    @Test
    void aWithdrawnStepIsNotPlacedAndOnePlacedAlreadySaysWhere() throws Exception {
        SnapshotPoints points = new SnapshotPoints();
        List<Change> appended = new ArrayList<>();
        CompletableFuture<Long> withdrawn = points.offer(CHUNK, "mariadb-bin.000005", 500);
        assertThat(points.withdraw(withdrawn)).isEqualTo(-1L);
        points.placeBefore(whole("mariadb-bin.000005", 600), at("mariadb-bin.000005", 500), a -> { appended.add(a); return appended.size(); });
        assertThat(appended).isEmpty();
        assertThat(withdrawn.get()).isEqualTo(-1L);

        CompletableFuture<Long> placed = points.offer(CHUNK, "mariadb-bin.000005", 600);
        points.placeBefore(whole("mariadb-bin.000005", 700), at("mariadb-bin.000005", 600), a -> { appended.add(a); return appended.size(); });
        assertThat(points.withdraw(placed)).as("placed before it was withdrawn").isEqualTo(1L);
    }

    @Test
    void onAnIdleSpoolAStepIsPlacedAtOnceWhenItsContentIsReady() throws Exception {
        SnapshotPoints points = new SnapshotPoints();
        List<Change> appended = new ArrayList<>();
        SourcePosition idleAt = at("mariadb-bin.000004", 800);
        points.whenOffered(() -> points.placeAt(idleAt, a -> { appended.add(a); return appended.size(); }));
        CompletableFuture<Change> content = new CompletableFuture<>();
        CompletableFuture<Long> placed = points.offer(content, "mariadb-bin.000004", 800);
        assertThat(appended).as("its content is still being read in the snapshot").isEmpty();
        content.complete(CHUNK);
        points.offered();
        assertThat(appended).containsExactly(CHUNK);
        assertThat(placed.get()).isPositive();
    }

    @Test
    void binlogFilesCompareByTheirNumberPastSixDigits() {
        assertThat(SnapshotPoints.compare("mariadb-bin.999999", 10, at("mariadb-bin.1000000", 4))).isNegative();
        assertThat(SnapshotPoints.compare("mariadb-bin.000010", 4, at("mariadb-bin.000009", 900))).isPositive();
    }
}
