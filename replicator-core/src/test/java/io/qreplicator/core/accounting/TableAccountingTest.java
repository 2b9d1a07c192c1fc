package io.qreplicator.core.accounting;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableAccountingTest {
    private static final long T0 = 1_795_000_000_000L - (1_795_000_000_000L % 60_000); // a minute boundary

    @Test
    void aMinutesTableBytesAddUpToItsRecordBytes(@TempDir Path dir) throws Exception {
        TableAccounting a = new TableAccounting(dir);
        Transaction mixed = Records.withBulkInsert(Records.update(1, 7, "renamed"), 100, 3);
        List<Change> withDdl = new ArrayList<>(mixed.changes());
        withDdl.add(new Statement("shop", "CREATE TABLE other (id INT PRIMARY KEY)"));
        Transaction tx = new Transaction(1, mixed.position(), mixed.commitTimeMillis(), 1, 500, withDdl);
        long recordBytes = 0;
        for (Transaction t : List.of(tx, Records.insert(2, 1, "x"), Records.ddl(3, "DROP TABLE other"))) {
            a.at(T0 + 1_000);
            byte[] record = RecordCodec.encode(t, a);
            a.recordDone(record.length);
            recordBytes += record.length;
        }
        a.flush();

        List<MinuteFiles.Minute> lines = MinuteFiles.read(dir, TableAccounting.PREFIX, Instant.ofEpochMilli(T0),
                Instant.ofEpochMilli(T0 + 60_000));
        assertThat(lines).extracting(m -> m.text("table")).containsExactly(TableAccounting.OTHER, "shop.items");
        MinuteFiles.Minute items = lines.get(1);
        assertThat(items.get("row_inserts")).isEqualTo(4);
        assertThat(items.get("row_updates")).isEqualTo(1);
        assertThat(items.get("row_deletes")).isZero();
        assertThat(lines.stream().mapToLong(m -> m.get("shaped_bytes")).sum()).isEqualTo(recordBytes);
        assertThat(lines.get(0).get("shaped_bytes")).as("headers, statements and checksums").isPositive();
    }

    @Test
    void aRecordTheSpoolRefusedCountsNothing(@TempDir Path dir) throws Exception {
        TableAccounting a = new TableAccounting(dir);
        a.at(T0 + 1_000);
        RecordCodec.encode(Records.insert(1, 1, "a"), a); // the spool refused it (disk full): no recordDone
        a.at(T0 + 2_000); // tried again
        byte[] record = RecordCodec.encode(Records.insert(1, 1, "a"), a);
        a.recordDone(record.length);
        a.flush();
        List<MinuteFiles.Minute> lines = MinuteFiles.read(dir, TableAccounting.PREFIX, Instant.ofEpochMilli(T0),
                Instant.ofEpochMilli(T0 + 60_000));
        assertThat(lines.stream().mapToLong(m -> m.get("shaped_bytes")).sum()).isEqualTo(record.length);
        assertThat(lines).filteredOn(m -> m.text("table").equals("shop.items")).singleElement()
                .extracting(m -> m.get("row_inserts")).isEqualTo(1L);
    }

    @Test
    void writesEachMinuteWhenItIsOver(@TempDir Path dir) throws Exception {
        TableAccounting a = new TableAccounting(dir);
        a.at(T0 + 5_000);
        a.recordDone(RecordCodec.encode(Records.insert(1, 1, "a"), a).length);
        a.at(T0 + 65_000); // next minute: the first is written
        a.recordDone(RecordCodec.encode(Records.insert(2, 2, "b"), a).length);
        List<MinuteFiles.Minute> written = MinuteFiles.read(dir, TableAccounting.PREFIX, Instant.ofEpochMilli(T0),
                Instant.ofEpochMilli(T0 + 120_000));
        assertThat(written).extracting(MinuteFiles.Minute::minute).containsOnly(Instant.ofEpochMilli(T0));
        a.flush();
        a.flush(); // nothing new: no more lines
        assertThat(MinuteFiles.read(dir, TableAccounting.PREFIX, Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 120_000)))
                .filteredOn(m -> m.text("table").equals("shop.items")).extracting(m -> m.get("row_inserts")).containsExactly(1L, 1L);
    }
}
