package io.qreplicator.cli.report;

import io.qreplicator.core.accounting.LagSampler;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The audit report as one self-contained HTML file: no script, no external font or style, the
 * charts inline SVG. Per link: binlog bytes against wire bytes per period (bars), the wire ratio
 * (line) and lag with the RPO (lines, p99 and max per period), then the totals, the drills, the
 * verify runs and how each figure was measured.
 */
public final class ReportHtml {
    private static final int W = 860;
    private static final int H = 220;
    private static final int LEFT = 70;
    private static final int BOTTOM = 40;
    private static final int TOP = 20;

    private ReportHtml() {
    }

    public static String render(AuditReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Qreplicator DR audit report</title><style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:920px}h1{font-size:22px}h2{font-size:18px;")
                .append("border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:18px 0 4px}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}.legend span{display:inline-block;width:12px;height:12px;")
                .append("margin:0 4px 0 14px;vertical-align:middle}.note{color:#555;font-size:13px}.bad{color:#b00020;font-weight:bold}")
                .append("</style></head><body>");
        sb.append("<h1>Qreplicator DR audit report</h1><p>").append(esc(r.from().toString())).append(" to ").append(esc(r.to().toString()))
                .append(" by ").append(r.by().name().toLowerCase()).append(" (UTC). Generated ").append(esc(r.generated().toString()))
                .append(".</p>");
        for (AuditReport.LinkReport l : r.links()) {
            sb.append("<h2>Link ").append(esc(l.link())).append(" <span class=\"note\">(").append(esc(l.source())).append(" &rarr; ")
                    .append(esc(l.sink())).append(")</span></h2>");
            if (l.missing() != null) {
                sb.append("<p class=\"bad\">").append(esc(l.missing())).append("</p>");
                continue;
            }
            totals(sb, l.total());
            List<AuditReport.Period> ps = l.periods();
            sb.append("<h3>Binlog bytes and wire bytes per ").append(r.by().name().toLowerCase()).append("</h3>");
            legend(sb, "#8fa8c8", "binlog bytes (primary)", "#d9822b", "wire bytes (link, TLS included)");
            bars(sb, r, ps);
            sb.append("<h3>Wire bytes per binlog byte</h3>");
            line(sb, r, ps, List.of(t -> t.wireRatio() < 0 ? Double.NaN : 100 * t.wireRatio()), List.of("#d9822b"), "%");
            sb.append("<h3>Lag and RPO (ms, p99 per ").append(r.by().name().toLowerCase()).append(")</h3>");
            legend(sb, "#2b7bd9", "applied on the standby (p99)", "#b00020", "RPO: not yet received by the sink (p99)");
            line(sb, r, ps, List.of(t -> lag(t, LagSampler.APPLIED), t -> lag(t, LagSampler.RECEIVED)), List.of("#2b7bd9", "#b00020"), "ms");
            periods(sb, r, ps);
            if (r.withTables()) {
                tables(sb, l.total());
            }
        }
        sb.append("<h2>DR drills</h2>");
        if (r.drills().isEmpty()) {
            sb.append("<p>No switchover or failover was run in this period.</p>");
        } else {
            sb.append("<table><tr><th class=\"l\">started</th><th class=\"l\">kind</th><th class=\"l\">link</th><th class=\"l\">outcome</th>")
                    .append("<th>write pause / RTO ms</th><th class=\"l\">RPO</th></tr>");
            for (Map<String, Object> d : r.drills()) {
                Map<String, Object> s = AuditReport.drill(d);
                sb.append("<tr><td class=\"l\">").append(esc(s.get("started"))).append("</td><td class=\"l\">").append(esc(s.get("kind")))
                        .append("</td><td class=\"l\">").append(esc(s.get("link"))).append("</td><td class=\"l\">").append(esc(s.get("outcome")))
                        .append("</td><td>").append(esc(s.get("write-pause-ms") == null ? "-" : s.get("write-pause-ms")))
                        .append("</td><td class=\"l\">").append(esc(s.get("rpo-lost-transactions") != null ? s.get("rpo-lost-transactions")
                                + " transactions lost" : s.get("rpo-window-seconds") != null ? "window " + s.get("rpo-window-seconds") + " s"
                                : "not measured")).append("</td></tr>");
            }
            sb.append("</table>");
        }
        sb.append("<h2>Verify runs</h2>");
        if (r.verifies().isEmpty()) {
            sb.append("<p>No verify run in this period.</p>");
        } else {
            sb.append("<table><tr><th class=\"l\">started</th><th class=\"l\">link</th><th class=\"l\">run</th><th class=\"l\">result</th>")
                    .append("<th>tables</th><th>chunks</th><th>rows</th><th>differing chunks</th></tr>");
            for (AuditReport.VerifyRun v : r.verifies()) {
                sb.append("<tr><td class=\"l\">").append(esc(v.started())).append("</td><td class=\"l\">").append(esc(v.link()))
                        .append("</td><td class=\"l\">").append(esc(v.run())).append("</td><td class=\"l")
                        .append(v.result().equals("equal") ? "" : " bad").append("\">").append(esc(v.result())).append("</td><td>")
                        .append(v.tables()).append("</td><td>").append(v.chunks()).append("</td><td>").append(v.rows()).append("</td><td>")
                        .append(v.differs()).append(v.definitionsDiffering() == 0 ? ""
                                : " (and " + v.definitionsDiffering() + " table definitions)").append("</td></tr>");
            }
            sb.append("</table>");
        }
        sb.append("<h2>How this was measured</h2><ul>");
        for (String m : r.method()) {
            sb.append("<li>").append(esc(m)).append("</li>");
        }
        sb.append("</ul></body></html>\n");
        return sb.toString();
    }

    private static double lag(Traffic t, String stage) {
        long v = t.lagMillis(stage, 0.99);
        return v < 0 ? Double.NaN : v == Long.MAX_VALUE ? t.maxLagMillis(stage) : v;
    }

    private static void totals(StringBuilder sb, Traffic t) {
        Map<String, Object> m = t.toMap();
        sb.append("<table><tr><th class=\"l\">transactions</th><td>").append(t.transactions()).append("</td><th class=\"l\">GTIDs</th><td class=\"l\">")
                .append(esc(m.get("first-gtid"))).append(" .. ").append(esc(m.get("last-gtid"))).append("</td></tr>")
                .append("<tr><th class=\"l\">binlog bytes</th><td>").append(t.binlogBytes()).append("</td><th class=\"l\">wire bytes (out + in)</th><td>")
                .append(t.wireBytes()).append(" (").append(t.wireBytesOut).append(" + ").append(t.wireBytesIn).append(")</td></tr>")
                .append("<tr><th class=\"l\">wire per binlog byte</th><td>").append(t.wireRatio() < 0 ? "-" : pct(t.wireRatio()))
                .append("</td><th class=\"l\">shipped (compressed) bytes</th><td>").append(t.payloadBytes).append("</td></tr>")
                .append("<tr><th class=\"l\">lag p99 / max</th><td>").append(lagText(t, LagSampler.APPLIED))
                .append("</td><th class=\"l\">RPO p99 / max</th><td>").append(lagText(t, LagSampler.RECEIVED)).append("</td></tr>")
                .append("<tr><th class=\"l\">lag samples</th><td>").append(t.samples()).append("</td><th class=\"l\">seconds without lag:"
                        + " sink not heard / no source running</th><td>").append(t.unmeasured()).append(" / ").append(t.unsampled())
                .append("</td></tr></table>");
    }

    private static String lagText(Traffic t, String stage) {
        if (t.samples() == 0) {
            return "no samples";
        }
        long p = t.lagMillis(stage, 0.99);
        return (p == Long.MAX_VALUE ? "&gt; 1 h" : "&le; " + p + " ms") + " / " + t.maxLagMillis(stage) + " ms";
    }

    /** The link's tables over the whole range, most bytes first, each with a bar of its share. */
    private static void tables(StringBuilder sb, Traffic t) {
        List<TableUse.Row> rows = t.tables().rows(t);
        sb.append("<h3>Per table (whole range)</h3><p class=\"note\">Shaped bytes are measured per table; wire bytes are apportioned"
                + " by each table's share of them (batches mix tables before compression).</p>");
        if (rows.isEmpty()) {
            sb.append("<p>No table changed.</p>");
            return;
        }
        sb.append("<table><tr><th class=\"l\">table</th><th>inserted</th><th>updated</th><th>deleted</th><th>shaped bytes</th>")
                .append("<th class=\"l\">share</th><th>wire bytes (apportioned)</th></tr>");
        for (TableUse.Row row : rows.subList(0, Math.min(ReportText.TOP_TABLES, rows.size()))) {
            sb.append("<tr><td class=\"l\">").append(esc(row.table())).append("</td><td>").append(row.inserts()).append("</td><td>")
                    .append(row.updates()).append("</td><td>").append(row.deletes()).append("</td><td>").append(row.shapedBytes())
                    .append("</td><td class=\"l\"><span style=\"display:inline-block;height:10px;background:#d9822b;width:")
                    .append(Math.round(120 * row.share())).append("px\"></span> ").append(pct(row.share())).append("</td><td>")
                    .append(row.wireBytes()).append("</td></tr>");
        }
        sb.append("</table>");
        if (rows.size() > ReportText.TOP_TABLES) {
            sb.append("<p class=\"note\">").append(rows.size() - ReportText.TOP_TABLES)
                    .append(" more tables: qrepl report --tables --format csv lists them all.</p>");
        }
        long unaccounted = t.tables().unaccounted(t);
        if (unaccounted > 0) {
            sb.append("<p class=\"note\">").append(unaccounted).append(" shaped bytes are not accounted per table (spooled by a version"
                    + " without per-table accounting).</p>");
        }
    }

    private static void periods(StringBuilder sb, AuditReport r, List<AuditReport.Period> ps) {
        sb.append("<h3>Per ").append(r.by().name().toLowerCase()).append("</h3><table><tr><th class=\"l\">period</th><th>transactions</th>")
                .append("<th>binlog bytes</th><th>wire bytes</th><th>ratio</th><th>lag p99 ms</th><th>RPO p99 ms</th><th>RPO max ms</th></tr>");
        for (AuditReport.Period p : ps) {
            Traffic t = p.traffic();
            if (t.transactions() == 0 && t.wireBytes() == 0 && t.samples() == 0) {
                continue;
            }
            sb.append("<tr><td class=\"l\">").append(esc(ReportText.period(r, p.start()))).append("</td><td>").append(t.transactions())
                    .append("</td><td>").append(t.binlogBytes()).append("</td><td>").append(t.wireBytes()).append("</td><td>")
                    .append(t.wireRatio() < 0 ? "-" : pct(t.wireRatio())).append("</td><td>").append(bound(t.lagMillis(LagSampler.APPLIED, 0.99)))
                    .append("</td><td>").append(bound(t.lagMillis(LagSampler.RECEIVED, 0.99))).append("</td><td>")
                    .append(t.samples() == 0 ? "-" : t.maxLagMillis(LagSampler.RECEIVED)).append("</td></tr>");
        }
        sb.append("</table>");
    }

    private static String bound(long v) {
        return v < 0 ? "-" : v == Long.MAX_VALUE ? "&gt; 1 h" : "&le; " + v;
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    private static void legend(StringBuilder sb, String c1, String l1, String c2, String l2) {
        sb.append("<div class=\"legend note\"><span style=\"background:").append(c1).append("\"></span>").append(esc(l1))
                .append("<span style=\"background:").append(c2).append("\"></span>").append(esc(l2)).append("</div>");
    }

    private static void bars(StringBuilder sb, AuditReport r, List<AuditReport.Period> ps) {
        double max = 1;
        for (AuditReport.Period p : ps) {
            max = Math.max(max, Math.max(p.traffic().binlogBytes(), p.traffic().wireBytes()));
        }
        double scale = niceCeil(max);
        svgStart(sb, r, ps, scale, "B");
        double slot = (double) (W - LEFT - 10) / Math.max(1, ps.size());
        double bw = Math.max(1, slot * 0.4);
        for (int i = 0; i < ps.size(); i++) {
            Traffic t = ps.get(i).traffic();
            double x = LEFT + i * slot + slot * 0.1;
            rect(sb, x, t.binlogBytes() / scale, bw, "#8fa8c8");
            rect(sb, x + bw, t.wireBytes() / scale, bw, "#d9822b");
        }
        sb.append("</svg>");
    }

    private static void rect(StringBuilder sb, double x, double frac, double w, String color) {
        double h = frac * (H - TOP - BOTTOM);
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x, H - BOTTOM - h, w, h, color));
    }

    private static void line(StringBuilder sb, AuditReport r, List<AuditReport.Period> ps, List<ToDoubleFunction<Traffic>> series,
                             List<String> colors, String unit) {
        double max = 0;
        for (AuditReport.Period p : ps) {
            for (ToDoubleFunction<Traffic> f : series) {
                double v = f.applyAsDouble(p.traffic());
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double scale = niceCeil(Math.max(max, 1));
        svgStart(sb, r, ps, scale, unit);
        double slot = (double) (W - LEFT - 10) / Math.max(1, ps.size());
        for (int s = 0; s < series.size(); s++) {
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < ps.size(); i++) {
                double v = series.get(s).applyAsDouble(ps.get(i).traffic());
                if (Double.isNaN(v)) {
                    continue;
                }
                double x = LEFT + i * slot + slot / 2;
                double y = H - BOTTOM - v / scale * (H - TOP - BOTTOM);
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, colors.get(s)));
            }
            if (!path.isEmpty()) {
                sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colors.get(s)).append("\" stroke-width=\"2\"/>");
            }
        }
        sb.append("</svg>");
    }

    /** The chart's frame: axes, four grid lines labelled in {@code unit}, and period labels. */
    private static void svgStart(StringBuilder sb, AuditReport r, List<AuditReport.Period> ps, double scale, String unit) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H).append("\" viewBox=\"0 0 ")
                .append(W).append(' ').append(H).append("\" font-size=\"11\" font-family=\"sans-serif\">");
        for (int g = 0; g <= 4; g++) {
            double y = H - BOTTOM - g / 4.0 * (H - TOP - BOTTOM);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", LEFT, y, W - 10, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4,
                    esc(human(scale * g / 4, unit))));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", LEFT, H - BOTTOM, W - 10, H - BOTTOM));
        double slot = (double) (W - LEFT - 10) / Math.max(1, ps.size());
        int every = Math.max(1, (int) Math.ceil(ps.size() / 8.0));
        for (int i = 0; i < ps.size(); i += every) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", LEFT + i * slot + slot / 2,
                    H - BOTTOM + 16, esc(ReportText.period(r, ps.get(i).start()))));
        }
    }

    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String human(double v, String unit) {
        if (unit.equals("B")) {
            String[] u = {"B", "KB", "MB", "GB", "TB"};
            int i = 0;
            while (v >= 1000 && i < u.length - 1) {
                v /= 1000;
                i++;
            }
            return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f %s" : "%.1f %s", v, u[i]);
        }
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f %s" : "%.1f %s", v, unit);
    }

    static String esc(Object o) {
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
