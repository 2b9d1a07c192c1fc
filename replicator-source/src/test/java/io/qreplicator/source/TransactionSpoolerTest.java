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
}
