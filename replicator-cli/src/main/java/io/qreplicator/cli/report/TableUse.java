package io.qreplicator.cli.report;

import io.qreplicator.core.accounting.MinuteFiles.Minute;
import io.qreplicator.core.accounting.TableAccounting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each table cost one link over some minutes (a period, or the whole report), from the
 * source's {@code tables-*.csv} ({@link TableAccounting}): rows inserted, updated and deleted, and
 * the bytes its changes took in the spooled records (measured exactly, as they were encoded).
 *
 * <p>Wire bytes cannot be measured per table: the link compresses batches that mix tables. A
 * table's wire bytes are apportioned, the period's wire bytes times the table's share of the
 * period's shaped bytes, and are labelled so wherever they are shown.
 */
public final class TableUse {
    /** One table's figures; {@code share} of the period's shaped bytes, {@code wireBytes} apportioned by it. */
    public record Row(String table, long inserts, long updates, long deletes, long shapedBytes, double share, long wireBytes) {
    }

    private final Map<String, long[]> sums = new TreeMap<>();

    void add(Minute m) {
        long[] s = sums.computeIfAbsent(m.text("table"), k -> new long[TableAccounting.COUNTERS.size()]);
        for (int i = 0; i < s.length; i++) {
            s[i] += m.get(TableAccounting.COUNTERS.get(i));
        }
    }

    void add(TableUse other) {
        other.sums.forEach((table, v) -> {
            long[] s = sums.computeIfAbsent(table, k -> new long[v.length]);
            for (int i = 0; i < s.length; i++) {
                s[i] += v[i];
            }
        });
    }

    /** The shaped bytes the tables files account for. */
    long shapedBytes() {
        long n = 0;
        for (long[] v : sums.values()) {
            n += v[3];
        }
        return n;
    }

    /**
     * The tables, most bytes first, measured against {@code traffic} (the same minutes' source and
     * link accounting): shares of its shaped bytes and its wire bytes apportioned by them.
     */
    public List<Row> rows(Traffic traffic) {
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            long[] v = e.getValue();
            double share = traffic.shapedBytes == 0 ? 0 : (double) v[3] / traffic.shapedBytes;
            out.add(new Row(e.getKey(), v[0], v[1], v[2], v[3], share, Math.round(share * traffic.wireBytes())));
        }
        out.sort(Comparator.comparingLong(Row::shapedBytes).reversed().thenComparing(Row::table));
        return out;
    }

    /**
     * Shaped bytes of {@code traffic} that no tables line accounts for: minutes spooled by a version
     * that kept no per-table accounting. Zero when every minute is accounted for.
     */
    public long unaccounted(Traffic traffic) {
        return Math.max(0, traffic.shapedBytes - shapedBytes());
    }

    /** Numbers as numbers, for {@code --format json}. */
    public Map<String, Object> toMap(Traffic traffic) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (Row r : rows(traffic)) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("table", r.table());
            t.put("rows-inserted", r.inserts());
            t.put("rows-updated", r.updates());
            t.put("rows-deleted", r.deletes());
            t.put("shaped-bytes", r.shapedBytes());
            t.put("share-of-shaped-bytes", Math.round(r.share() * 10000) / 10000.0);
            t.put("wire-bytes-apportioned", r.wireBytes());
            list.add(t);
        }
        m.put("tables", list);
        m.put("unaccounted-shaped-bytes", unaccounted(traffic));
        return m;
    }
}
