package io.qreplicator.core.accounting;

import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.record.RecordCodec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each table cost the stream, per UTC minute: rows inserted, updated and deleted, and the
 * bytes its changes (and its descriptors) took in the spooled records, which are the bytes the
 * link compresses and ships. Lines go to {@code DIR/tables-YYYYMMDD.csv} ({@code minute,table,...},
 * one line per table that changed in the minute), read back by the audit report's {@code --tables}.
 *
 * <p>Invariant: the shaped bytes of a minute's lines add up to the source accounting's
 * {@code shaped_bytes} for that minute, to the byte. What a record holds besides table data (its
 * header, statements, verify and provisioning steps, the checksum) is counted under
 * {@link #OTHER}. The encoder measures each table's share as it writes it ({@link
 * RecordCodec.TableSizes}), so nothing is encoded twice.
 *
 * <p>Use: {@link #at} before encoding a record, then pass this to {@link RecordCodec#encode(
 * io.qreplicator.core.model.Transaction, RecordCodec.TableSizes)}, then, once the record is in the
 * spool, {@link #recordDone} with its length; a record the spool refused is forgotten at the next
 * {@link #at}, so retries are not counted twice. Not thread-safe: the spooling thread owns it. Keyed by table identity while the
 * minute runs (no allocation per change); merged by name when the minute's lines are written.
 */
public final class TableAccounting implements RecordCodec.TableSizes {
    public static final String PREFIX = "tables";
    /** The "table" of the bytes that belong to no table. */
    public static final String OTHER = "(other)";
    public static final List<String> COUNTERS = List.of("row_inserts", "row_updates", "row_deletes", "shaped_bytes");
    private static final String HEADER = "minute,table," + String.join(",", COUNTERS);

    private final DayFile file;
    private final Map<TableDef, long[]> tables = new IdentityHashMap<>();
    private long other;
    private long minute = -1;
    /** What the record being encoded told so far, applied by {@link #recordDone}: a record that is never spooled counts nothing. */
    private TableDef[] pendingTable = new TableDef[8];
    private int[] pendingKind = new int[8];
    private int[] pendingRows = new int[8];
    private int[] pendingBytes = new int[8];
    private int pending;

    public TableAccounting(Path dir) {
        this.file = new DayFile(dir, PREFIX);
    }

    /** Starts a record written at {@code nowMillis}: its bytes count in that minute. */
    public void at(long nowMillis) {
        long m = nowMillis / 60_000;
        if (m != minute) {
            flush();
            minute = m;
        }
        pending = 0; // a record begun and never spooled (the spool refused it) is forgotten
    }

    @Override
    public void tableBytes(TableDef table, RowChange.Kind kind, int rows, int bytes) {
        if (pending == pendingTable.length) {
            int n = pending * 2;
            pendingTable = java.util.Arrays.copyOf(pendingTable, n);
            pendingKind = java.util.Arrays.copyOf(pendingKind, n);
            pendingRows = java.util.Arrays.copyOf(pendingRows, n);
            pendingBytes = java.util.Arrays.copyOf(pendingBytes, n);
        }
        pendingTable[pending] = table;
        pendingKind[pending] = kind == null ? -1 : kind.ordinal();
        pendingRows[pending] = rows;
        pendingBytes[pending] = bytes;
        pending++;
    }

    /**
     * The record begun at {@link #at} is in the spool: its tables' figures count, and what no table
     * took counts under {@link #OTHER}.
     */
    public void recordDone(int recordLength) {
        long attributed = 0;
        for (int i = 0; i < pending; i++) {
            long[] c = tables.get(pendingTable[i]);
            if (c == null) {
                c = new long[COUNTERS.size()];
                tables.put(pendingTable[i], c);
            }
            if (pendingKind[i] >= 0) {
                c[pendingKind[i]] += pendingRows[i]; // INSERT, UPDATE, DELETE: the counters' order
            }
            c[3] += pendingBytes[i];
            attributed += pendingBytes[i];
            pendingTable[i] = null;
        }
        pending = 0;
        other += recordLength - attributed;
    }

    /** Writes the current minute's lines, if it has any. */
    public void flush() {
        if (minute < 0 || (tables.isEmpty() && other == 0)) {
            return;
        }
        Map<String, long[]> byName = new TreeMap<>();
        for (Map.Entry<TableDef, long[]> e : tables.entrySet()) {
            long[] sum = byName.computeIfAbsent(e.getKey().schema() + "." + e.getKey().table(), k -> new long[COUNTERS.size()]);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += e.getValue()[i];
            }
        }
        if (other != 0) {
            byName.computeIfAbsent(OTHER, k -> new long[COUNTERS.size()])[3] += other;
        }
        Instant at = Instant.ofEpochMilli(minute * 60_000);
        String stamp = MinuteAccounting.MINUTE.format(at);
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, long[]> e : byName.entrySet()) {
            lines.append(stamp).append(',').append(MinuteFiles.quote(e.getKey()));
            for (long v : e.getValue()) {
                lines.append(',').append(v);
            }
            lines.append('\n');
        }
        if (file.append(at, HEADER, lines)) {
            tables.clear();
            other = 0;
        }
    }
}
