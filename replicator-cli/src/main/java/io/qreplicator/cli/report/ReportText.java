package io.qreplicator.cli.report;

import io.qreplicator.core.accounting.LagSampler;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** The audit report as a text table, or as CSV (one row per link and period, and a total row per link). */
public final class ReportText {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    public static final List<String> CSV_COLUMNS = List.of("link", "period", "transactions", "first_gtid", "last_gtid", "binlog_bytes",
            "shaped_bytes", "shipped_bytes", "wire_bytes_out", "wire_bytes_in", "wire_ratio", "lag_samples", "unmeasured_seconds", "unsampled_seconds",
            "applied_lag_p50_ms", "applied_lag_p99_ms", "applied_lag_max_ms", "rpo_p99_ms", "rpo_max_ms");

    private ReportText() {
    }

    static String period(AuditReport r, Instant p) {
        return (r.by() == AuditReport.By.DAY ? DAY : HOUR).format(p);
    }

    public static String table(AuditReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("DR audit report ").append(r.from()).append(" .. ").append(r.to()).append(" by ").append(r.by().name().toLowerCase())
                .append(" (UTC), generated ").append(r.generated()).append('\n');
        for (AuditReport.LinkReport l : r.links()) {
            sb.append('\n').append("link ").append(l.link()).append(" (").append(l.source()).append(" -> ").append(l.sink()).append(")\n");
            if (l.missing() != null) {
                sb.append("  ").append(l.missing()).append('\n');
                continue;
            }
            String fmt = "  %-17s %10s %15s %15s %15s %7s %22s %16s %10s%n";
            sb.append(String.format(fmt, "period", "tx", "binlog bytes", "shipped bytes", "wire bytes", "ratio", "lag ms p50/p99/max",
                    "RPO ms p99/max", "no lag for"));
            for (AuditReport.Period p : l.periods()) {
                row(sb, fmt, period(r, p.start()), p.traffic());
            }
            row(sb, fmt, "total", l.total());
            if (!l.total().toMap().get("first-gtid").equals("")) {
                sb.append("  GTIDs ").append(l.total().toMap().get("first-gtid")).append(" .. ").append(l.total().toMap().get("last-gtid"))
                        .append('\n');
            }
            if (r.withTables()) {
                tables(sb, l.total());
            }
        }
        sb.append("\nDR drills (switchover, failover)\n");
        if (r.drills().isEmpty()) {
            sb.append("  none in this period\n");
        }
        for (Map<String, Object> d : r.drills()) {
            Map<String, Object> s = AuditReport.drill(d);
            sb.append(String.format("  %-26s %-10s %-12s %-22s write pause %s ms, RPO %s%n", s.get("started"), s.get("kind"), s.get("link"),
                    s.get("outcome"), s.get("write-pause-ms") == null ? "-" : s.get("write-pause-ms"),
                    s.get("rpo-lost-transactions") != null ? s.get("rpo-lost-transactions") + " transactions lost"
                            : s.get("rpo-window-seconds") != null ? "window " + s.get("rpo-window-seconds") + " s" : "not measured"));
        }
        sb.append("\nVerify runs\n");
        if (r.verifies().isEmpty()) {
            sb.append("  none in this period\n");
        }
        for (AuditReport.VerifyRun v : r.verifies()) {
            sb.append(String.format("  %-24s %-12s %-30s %-10s %d tables, %d chunks, %d rows, %d differing chunks%s%n", v.started(),
                    v.link(), v.run(), v.result(), v.tables(), v.chunks(), v.rows(), v.differs(),
                    v.definitionsDiffering() == 0 ? "" : ", " + v.definitionsDiffering() + " differing table definitions"));
        }
        sb.append("\nHow this was measured\n");
        for (String m : r.method()) {
            sb.append("  - ").append(m).append('\n');
        }
        return sb.toString();
    }

    /** Shown at most in the table format; csv and json have them all. */
    static final int TOP_TABLES = 20;

    private static void tables(StringBuilder sb, Traffic t) {
        List<TableUse.Row> rows = t.tables().rows(t);
        sb.append("  per table, whole range (wire bytes apportioned by shaped bytes):\n");
        String fmt = "    %-40s %12s %12s %12s %15s %7s %15s%n";
        sb.append(String.format(fmt, "table", "inserted", "updated", "deleted", "shaped bytes", "share", "wire bytes"));
        for (TableUse.Row row : rows.subList(0, Math.min(TOP_TABLES, rows.size()))) {
            sb.append(String.format(fmt, row.table(), row.inserts(), row.updates(), row.deletes(), row.shapedBytes(),
                    String.format(java.util.Locale.ROOT, "%.1f%%", 100 * row.share()), "~" + row.wireBytes()));
        }
        if (rows.size() > TOP_TABLES) {
            sb.append("    ... ").append(rows.size() - TOP_TABLES).append(" more tables (--format csv or json lists them all)\n");
        }
        if (rows.isEmpty()) {
            sb.append("    no table changed\n");
        }
        long unaccounted = t.tables().unaccounted(t);
        if (unaccounted > 0) {
            sb.append("    ").append(unaccounted).append(" shaped bytes not accounted per table (spooled by a version"
                    + " without per-table accounting)\n");
        }
    }

    private static void row(StringBuilder sb, String fmt, String period, Traffic t) {
        sb.append(String.format(fmt, period, t.transactions(), t.binlogBytes(), t.payloadBytes, t.wireBytes(),
                t.wireRatio() < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * t.wireRatio()),
                t.samples() == 0 ? "-" : ms(t.lagMillis(LagSampler.APPLIED, 0.5)) + "/" + ms(t.lagMillis(LagSampler.APPLIED, 0.99)) + "/"
                        + t.maxLagMillis(LagSampler.APPLIED),
                t.samples() == 0 ? "-" : ms(t.lagMillis(LagSampler.RECEIVED, 0.99)) + "/" + t.maxLagMillis(LagSampler.RECEIVED),
                t.unmeasured() + t.unsampled() == 0 ? "" : (t.unmeasured() + t.unsampled()) + " s"));
    }

    private static String ms(long bound) {
        return bound == Long.MAX_VALUE ? ">1h" : "<=" + bound;
    }

    public static final List<String> TABLE_CSV_COLUMNS = List.of("link", "period", "table", "rows_inserted", "rows_updated",
            "rows_deleted", "shaped_bytes", "share_of_shaped_bytes", "wire_bytes_apportioned");

    /** {@code --tables --format csv}: one row per link, period and table, and the link's totals per table. */
    public static String tablesCsv(AuditReport r) {
        StringBuilder sb = new StringBuilder(String.join(",", TABLE_CSV_COLUMNS)).append('\n');
        for (AuditReport.LinkReport l : r.links()) {
            if (l.missing() != null) {
                continue;
            }
            for (AuditReport.Period p : l.periods()) {
                tableRows(sb, l.link(), p.start().toString(), p.traffic());
            }
            tableRows(sb, l.link(), "total", l.total());
        }
        return sb.toString();
    }

    private static void tableRows(StringBuilder sb, String link, String period, Traffic t) {
        for (TableUse.Row row : t.tables().rows(t)) {
            csvLine(sb, List.of(link, period, row.table(), row.inserts(), row.updates(), row.deletes(), row.shapedBytes(),
                    String.format(java.util.Locale.ROOT, "%.4f", row.share()), row.wireBytes()));
        }
    }

    public static String csv(AuditReport r) {
        StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (AuditReport.LinkReport l : r.links()) {
            if (l.missing() != null) {
                continue;
            }
            for (AuditReport.Period p : l.periods()) {
                csvRow(sb, l.link(), p.start().toString(), p.traffic());
            }
            csvRow(sb, l.link(), "total", l.total());
        }
        return sb.toString();
    }

    private static void csvRow(StringBuilder sb, String link, String period, Traffic t) {
        List<Object> v = List.of(link, period, t.transactions, t.firstGtid, t.lastGtid, t.binlogBytes, t.shapedBytes, t.payloadBytes,
                t.wireBytesOut, t.wireBytesIn, t.wireRatio() < 0 ? "" : String.format(java.util.Locale.ROOT, "%.4f", t.wireRatio()), t.samples, t.unmeasured, t.unsampled(),
                num(t.lagMillis(LagSampler.APPLIED, 0.5)), num(t.lagMillis(LagSampler.APPLIED, 0.99)),
                t.samples == 0 ? "" : t.appliedMaxMillis, num(t.lagMillis(LagSampler.RECEIVED, 0.99)),
                t.samples == 0 ? "" : t.receivedMaxMillis);
        csvLine(sb, v);
    }

    private static void csvLine(StringBuilder sb, List<Object> v) {
        for (int i = 0; i < v.size(); i++) {
            String s = String.valueOf(v.get(i));
            sb.append(i == 0 ? "" : ",").append(s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s);
        }
        sb.append('\n');
    }

    private static String num(long bound) {
        return bound < 0 ? "" : bound == Long.MAX_VALUE ? "inf" : Long.toString(bound);
    }
}
