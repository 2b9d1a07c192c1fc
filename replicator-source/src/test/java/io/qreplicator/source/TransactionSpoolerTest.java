package io.qreplicator.source;

import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.Records;
import io.qreplicator.source.binlog.UnsupportedEventException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionSpoolerTest {
    @Test
    void aRowLargerThanARecordMayHoldStopsTheSourceNamingItAndSpoolsNothing(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir)) {
            TransactionSpooler spooler = new TransactionSpooler(spool);
            spooler.accept(Records.insert(1, 1, "small"));
            // one row over the 64 MiB a record may hold (a primary whose max_allowed_packet is larger)
            String value = "v".repeat(RecordHeader.MAX_RECORD_BYTES);
            assertThatThrownBy(() -> spooler.accept(Records.insert(2, 2, value)))
                    .isInstanceOf(UnsupportedEventException.class)
                    .hasMessageContaining("transaction 0-1-2 in shop.items")
                    .hasMessageContaining("more than the 64MiB a record may hold")
                    .hasMessageContaining("nothing was skipped");
            assertThat(spool.lastSeq()).isEqualTo(1);
            // a row just under it is spooled, in a file of its own
            spooler.accept(Records.insert(2, 2, "v".repeat(RecordHeader.MAX_RECORD_BYTES - 1024)));
            assertThat(spool.lastSeq()).isEqualTo(2);
            assertThat(spool.read(2)).hasSizeGreaterThan(RecordHeader.MAX_RECORD_BYTES - 1024);
        }
    }

    /** The primary's triggers go in right after a whole transaction, or a large one's last part: never between its parts. */
    @Test
    void aStepBetweenTransactionsIsNeverPlacedBetweenTheParts(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir)) {
            TransactionSpooler spooler = new TransactionSpooler(spool);
            io.qreplicator.core.model.PrimaryTriggers set = io.qreplicator.core.model.PrimaryTriggers.of(java.util.List.of(), "");
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            spooler.between(tx -> {
                if (!tx.last()) {
                    return null;
                }
                asked.incrementAndGet();
                return set;
            });
            io.qreplicator.core.model.Transaction whole = Records.insert(1, 1, "a");
            io.qreplicator.core.model.Transaction part0 = Records.insert(2, 2, "b");
            io.qreplicator.core.model.Transaction part1 = Records.insert(2, 3, "c");
            spooler.accept(whole);
            spooler.accept(new io.qreplicator.core.model.Transaction(0, part0.position(), 1L, 1, 10, part0.changes(), 0, false));
            spooler.accept(new io.qreplicator.core.model.Transaction(0, part1.position(), 1L, 1, 10, part1.changes(), 1, true));
            assertThat(asked).hasValue(2); // after the whole one and after the last part (a part 0 is offered nothing)
            java.util.List<java.util.List<io.qreplicator.core.model.Change>> records = new java.util.ArrayList<>();
            for (long seq = 1; seq <= spool.lastSeq(); seq++) {
                records.add(io.qreplicator.core.record.RecordCodec.decode(spool.read(seq)).changes());
            }
            assertThat(records).hasSize(5);
            assertThat(records.get(1)).containsExactly(set);
            assertThat(records.get(2)).isEqualTo(part0.changes());
            assertThat(records.get(3)).isEqualTo(part1.changes());
            assertThat(records.get(4)).containsExactly(set);
            assertThat(io.qreplicator.core.record.RecordCodec.decode(spool.read(5)).position()).isEqualTo(part1.position());
        }
    }
}
