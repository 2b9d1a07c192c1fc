package io.qreplicator.source.provision;

import io.qreplicator.source.snapshot.CopyOrder;
import io.qreplicator.source.snapshot.ReplicatedTables;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CopyQueueTest {
    private static ReplicatedTables.Target t(String table) {
        return new ReplicatedTables.Target("o", table, List.of("id"), List.of("id"), List.of());
    }

    private static final ReplicatedTables.Target PARENT = t("parent");
    private static final ReplicatedTables.Target CHILD = t("child");
    private static final ReplicatedTables.Target OTHER = t("other");
    private static final CopyOrder ORDER = new CopyOrder(List.of(PARENT, CHILD, OTHER), Map.of("o.child", Set.of("o.parent")));

    @Test
    void aSecondWorkerPassesOverAChildWhoseParentIsBeingCopiedAndWaitsForItOnceNothingElseIsLeft() throws Exception {
        CopyQueue queue = new CopyQueue(ORDER, () -> false);
        assertThat(queue.take()).isEqualTo(PARENT);
        assertThat(queue.take()).isEqualTo(OTHER); // the child waits, a table without parents does not
        queue.copied(OTHER);
        CompletableFuture<ReplicatedTables.Target> waiting = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                waiting.complete(queue.take());
            } catch (InterruptedException e) {
                waiting.completeExceptionally(e);
            }
        });
        worker.start();
        // it waits in the queue, and keeps waiting while the parent is being copied
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.getState() == Thread.State.TIMED_WAITING);
        assertThat(waiting).isNotDone();
        queue.copied(PARENT);
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(CHILD);
        assertThat(queue.handedOutAll()).isTrue();
        assertThat(queue.take()).isNull();
    }

    @Test
    void oneWorkerTakesTheTablesInTheirOrder() throws Exception {
        CopyQueue queue = new CopyQueue(ORDER, () -> false);
        for (ReplicatedTables.Target expected : ORDER.tables()) {
            ReplicatedTables.Target t = queue.take();
            assertThat(t).isEqualTo(expected);
            queue.copied(t);
        }
        assertThat(queue.take()).isNull();
        assertThat(queue.handedOutAll()).isTrue();
    }

    @Test
    void aStopReleasesAWorkerWaitingForAParentWithoutATable() throws Exception {
        AtomicBoolean stopping = new AtomicBoolean();
        CopyQueue queue = new CopyQueue(new CopyOrder(List.of(PARENT, CHILD), Map.of("o.child", Set.of("o.parent"))), stopping::get);
        assertThat(queue.take()).isEqualTo(PARENT);
        CompletableFuture<ReplicatedTables.Target> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        stopping.set(true); // the parent's copy failed: the run stops
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(queue.handedOutAll()).isFalse(); // the worker reports the run incomplete
    }
}
