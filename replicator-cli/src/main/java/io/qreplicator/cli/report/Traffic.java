package io.qreplicator.cli.report;

import io.qreplicator.core.accounting.LagBuckets;
import io.qreplicator.core.accounting.LagSampler;
import io.qreplicator.core.accounting.MinuteFiles.Minute;
import io.qreplicator.transport.LinkAccounting;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One link's traffic summed over some minutes (a period, or the whole report): the source's
 * accounting ({@code source-*.csv}), the link's at the source ({@code link-out-*.csv}) and the lag
 * samples ({@code lag-*.csv}). Sums are exact: totals reconcile with the agents' counters to the
 * byte. Lag percentiles are bucket bounds ({@link LagBuckets}).
 */
public final class Traffic {
    private static final java.util.List<String> APPLIED_COLUMNS = LagBuckets.columns(LagSampler.APPLIED);
    private static final java.util.List<String> RECEIVED_COLUMNS = LagBuckets.columns(LagSampler.RECEIVED);

    long transactions;
    long binlogBytes;
    long shapedBytes;
    long batches;
    long recordBytes;
    long payloadBytes;
    long frameBytesOut;
    long wireBytesOut;
    long wireBytesIn;
    long codecCpuMicros;
    long samples;
    long unmeasured;
    /** Seconds of the period up to now: those without a sample had no source agent running. */
    long seconds;
    long appliedMaxMillis;
    long receivedMaxMillis;
    final long[] applied = new long[LagBuckets.BOUNDS_MS.length + 1];
    final long[] received = new long[LagBuckets.BOUNDS_MS.length + 1];
    String firstGtid = "";
    String lastGtid = "";
    /** Per table, when the report was asked for tables; empty otherwise. */
    final TableUse tables = new TableUse();

    void addSource(Minute m) {
        transactions += m.get("transactions");
        binlogBytes += m.get("binlog_bytes");
        shapedBytes += m.get("shaped_bytes");
        gtids(m.text("first_gtid"), m.text("last_gtid"));
    }

    void addLink(Minute m) {
        batches += m.get(LinkAccounting.COUNTERS.get(0));
        recordBytes += m.get("record_bytes");
        payloadBytes += m.get("payload_bytes");
        frameBytesOut += m.get("frame_bytes_out");
        wireBytesOut += m.get("wire_bytes_out");
        wireBytesIn += m.get("wire_bytes_in");
        codecCpuMicros += m.get("codec_cpu_us");
    }

    void addLag(Minute m) {
        samples += m.get("samples");
        unmeasured += m.get("unmeasured");
        appliedMaxMillis = Math.max(appliedMaxMillis, m.get(LagSampler.APPLIED + "_max_ms"));
        receivedMaxMillis = Math.max(receivedMaxMillis, m.get(LagSampler.RECEIVED + "_max_ms"));
        for (int i = 0; i < applied.length; i++) {
            applied[i] += m.get(APPLIED_COLUMNS.get(i));
            received[i] += m.get(RECEIVED_COLUMNS.get(i));
        }
    }

    void add(Traffic t) {
        transactions += t.transactions;
        binlogBytes += t.binlogBytes;
        shapedBytes += t.shapedBytes;
        batches += t.batches;
        recordBytes += t.recordBytes;
        payloadBytes += t.payloadBytes;
        frameBytesOut += t.frameBytesOut;
        wireBytesOut += t.wireBytesOut;
        wireBytesIn += t.wireBytesIn;
        codecCpuMicros += t.codecCpuMicros;
        samples += t.samples;
        unmeasured += t.unmeasured;
        seconds += t.seconds;
        appliedMaxMillis = Math.max(appliedMaxMillis, t.appliedMaxMillis);
        receivedMaxMillis = Math.max(receivedMaxMillis, t.receivedMaxMillis);
        for (int i = 0; i < applied.length; i++) {
            applied[i] += t.applied[i];
            received[i] += t.received[i];
        }
        gtids(t.firstGtid, t.lastGtid);
        tables.add(t.tables);
    }

    void addTable(Minute m) {
        tables.add(m);
    }

    public TableUse tables() {
        return tables;
    }

    private void gtids(String first, String last) {
        if (firstGtid.isEmpty()) {
            firstGtid = first;
        }
        if (!last.isEmpty()) {
            lastGtid = last;
        }
    }

    /** Bytes on the wire in both directions (TLS included) per binlog byte; -1 without binlog bytes. */
    public double wireRatio() {
        return binlogBytes == 0 ? -1 : (double) (wireBytesOut + wireBytesIn) / binlogBytes;
    }

    public long transactions() {
        return transactions;
    }

    public long binlogBytes() {
        return binlogBytes;
    }

    public long wireBytes() {
        return wireBytesOut + wireBytesIn;
    }

    /** A lag percentile of the stage ({@code applied} or {@code received}) in ms; -1 with no samples. */
    public long lagMillis(String stage, double q) {
        return LagBuckets.quantile(stage.equals(LagSampler.APPLIED) ? applied : received, q);
    }

    public long maxLagMillis(String stage) {
        return samples == 0 ? -1 : stage.equals(LagSampler.APPLIED) ? appliedMaxMillis : receivedMaxMillis;
    }

    public long samples() {
        return samples;
    }

    public long unmeasured() {
        return unmeasured;
    }

    /** Seconds of the period with no sample at all: no source agent ran (or it could not sample). */
    public long unsampled() {
        return Math.max(0, seconds - samples - unmeasured);
    }

    /** Numbers as numbers; percentiles as bucket bounds in ms (null: no sample; "over" the last bound). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transactions", transactions);
        m.put("first-gtid", firstGtid);
        m.put("last-gtid", lastGtid);
        m.put("binlog-bytes", binlogBytes);
        m.put("shaped-bytes", shapedBytes);
        m.put("shipped-bytes", payloadBytes);
        m.put("wire-bytes-out", wireBytesOut);
        m.put("wire-bytes-in", wireBytesIn);
        m.put("wire-bytes", wireBytes());
        m.put("wire-ratio", binlogBytes == 0 ? null : Math.round(wireRatio() * 10000) / 10000.0);
        m.put("batches", batches);
        m.put("codec-cpu-ms", codecCpuMicros / 1000);
        Map<String, Object> lag = new LinkedHashMap<>();
        lag.put("samples", samples);
        lag.put("unmeasured-seconds", unmeasured);
        lag.put("unsampled-seconds", unsampled());
        for (String stage : new String[]{LagSampler.APPLIED, LagSampler.RECEIVED}) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("p50-ms-at-most", bound(lagMillis(stage, 0.50)));
            s.put("p95-ms-at-most", bound(lagMillis(stage, 0.95)));
            s.put("p99-ms-at-most", bound(lagMillis(stage, 0.99)));
            s.put("max-ms", samples == 0 ? null : maxLagMillis(stage));
            lag.put(stage, s);
        }
        m.put("lag", lag);
        return m;
    }

    static Object bound(long ms) {
        return ms < 0 ? null : ms == Long.MAX_VALUE ? "over " + LagBuckets.BOUNDS_MS[LagBuckets.BOUNDS_MS.length - 1] : (Object) ms;
    }
}
