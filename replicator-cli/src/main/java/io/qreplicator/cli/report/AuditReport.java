package io.qreplicator.cli.report;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.failover.DrillRecord;
import io.qreplicator.core.accounting.LagSampler;
import io.qreplicator.core.accounting.MinuteFiles;
import io.qreplicator.core.accounting.TableAccounting;
import io.qreplicator.core.verify.VerifyResults;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.transport.LinkConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DR audit report of {@code [from, to)}, by hour or day (UTC), built from what the agents on
 * this host keep: each link's source accounting, link accounting and lag samples in the source's
 * {@code DATA_DIR/accounting}, the verify runs in the sink's {@code DATA_DIR/verify}, the drill
 * records in both agents' {@code DATA_DIR/drills}. A link whose source's data dir is not on this
 * host is listed as such, never as a link with no traffic.
 */
public record AuditReport(Instant from, Instant to, By by, boolean withTables, Instant generated, List<LinkReport> links,
                          List<Map<String, Object>> drills, List<VerifyRun> verifies) {

    /** The period length. */
    public enum By {
        HOUR(ChronoUnit.HOURS), DAY(ChronoUnit.DAYS);

        final ChronoUnit unit;

        By(ChronoUnit unit) {
            this.unit = unit;
        }
    }

    /** One period of one link. */
    public record Period(Instant start, Traffic traffic) {
    }

    /**
     * One link: its periods and totals, or why its accounting is not here ({@code missing}).
     */
    public record LinkReport(String link, String source, String sink, String missing, List<Period> periods, Traffic total) {
    }

    /** A verify run as the sink kept it. */
    public record VerifyRun(String link, String run, Instant started, boolean ended, int tables, int chunks, long rows,
                            int differs, int errors, int uncompared, int definitionsDiffering) {
        public String result() {
            return !ended ? "incomplete" : differs > 0 || definitionsDiffering > 0 ? "differs"
                    : errors > 0 || uncompared > 0 ? "errors" : "equal";
        }
    }

    private static final Pattern STAMP = Pattern.compile("(\\d{8}-\\d{6}-\\d{3})");
    private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    /** How the figures were measured: printed with every report, for the auditor. */
    public static final List<String> METHOD = List.of(
            "Binlog bytes: the size of the binlog events of every transaction the source agent read from the primary"
                    + " (the primary's own binlog, counted event by event as it arrives).",
            "Shipped bytes: the compressed batches the link sent (payload); wire bytes: what the source's socket carried"
                    + " in both directions, TLS records and protocol frames included. Counted by the source agent, summed per"
                    + " UTC minute in DATA_DIR/accounting and added up here to the byte.",
            "Lag: once a second the source agent ages the oldest transaction the sink has not yet applied on the standby"
                    + " (applied) and the oldest it has not yet received into its spool (received), on the source host's clock"
                    + " only, from the sink's acknowledgements: no clock skew between hosts enters it. Percentiles are the upper"
                    + " bound of the histogram bucket they fall in. Seconds before the sink first answered an agent start are"
                    + " counted as unmeasured.",
            "RPO: the received lag is what losing the primary's datacenter at that second would have lost (the standby's"
                    + " side applies everything it received before it is promoted); its p99 and maximum are the RPO the period"
                    + " measured.",
            "Drills: switchovers and failovers run with qrepl, each with its write pause (switchover: from the old primary"
                    + " going read-only to the standby writable; failover: from the command's start to the standby writable,"
                    + " the RTO) and RPO as measured at the time (docs/failover.md).",
            "Verify runs: qrepl verify compared every chunk of every table at matched positions of the stream;"
                    + " a run that differs is listed with its differing chunks' count (docs/verifying.md).");

    /** Said of the per-table figures, when the report shows them. */
    public static final String TABLES_METHOD = "Per table (--tables): rows inserted, updated and deleted, and the bytes each table's"
            + " changes took in the records the source spooled (after filtering and shaping; measured as each record was encoded,"
            + " summed per UTC minute in DATA_DIR/accounting/tables-*.csv; \"(other)\" is what belongs to no table: record headers,"
            + " statements, verify steps, checksums). A table's wire bytes are apportioned, not measured: the link compresses"
            + " batches that mix tables, so a table is given the period's wire bytes times its share of the shaped bytes.";

    public static AuditReport build(QreplConfig c, Instant from, Instant to, By by) throws IOException {
        return build(c, from, to, by, false);
    }

    /** @param withTables also read each link's per-table accounting */
    public static AuditReport build(QreplConfig c, Instant from, Instant to, By by, boolean withTables) throws IOException {
        List<LinkReport> links = new ArrayList<>();
        List<Map<String, Object>> drills = new ArrayList<>();
        List<VerifyRun> verifies = new ArrayList<>();
        java.util.Set<Path> drillDirs = new java.util.LinkedHashSet<>();
        for (LinkConfig l : c.links()) {
            SourceConfig src = c.sources().stream().filter(s -> s.name().equals(l.source())).findFirst().orElse(null);
            SinkConfig snk = c.sinks().stream().filter(s -> s.name().equals(l.sink())).findFirst().orElse(null);
            if (src != null && src.dataDir() != null) {
                drillDirs.add(src.dataDir());
            }
            if (snk != null && snk.dataDir() != null) {
                drillDirs.add(snk.dataDir());
                verifies.addAll(verifies(l.name(), snk.dataDir(), from, to));
            }
            Path acct = src == null || src.dataDir() == null ? null : src.dataDir().resolve("accounting");
            if (acct == null || !Files.isDirectory(acct)) {
                links.add(new LinkReport(l.name(), l.source(), l.sink(), "no accounting on this host (" + (acct == null ? "no data dir"
                        : acct) + "): run the report on the source agent's host", List.of(), new Traffic()));
                continue;
            }
            links.add(link(l.name(), l.source(), l.sink(), acct, from, to, by, withTables));
        }
        for (Path d : drillDirs) {
            for (Map<String, Object> r : DrillRecord.load(d)) {
                Instant started = instant(r.get("started"));
                if (started != null && !started.isBefore(from) && started.isBefore(to)) {
                    drills.add(r);
                }
            }
        }
        drills.sort((a, b) -> String.valueOf(a.get("started")).compareTo(String.valueOf(b.get("started"))));
        verifies.sort((a, b) -> a.started().compareTo(b.started()));
        return new AuditReport(from, to, by, withTables, Instant.now(), links, drills, verifies);
    }

    /** One link's periods in {@code [from, to)} from its source's accounting directory {@code acct}. */
    static LinkReport link(String name, String source, String sink, Path acct, Instant from, Instant to, By by, boolean withTables)
            throws IOException {
        Map<Instant, Traffic> periods = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (Instant p = periodOf(from, by); p.isBefore(to); p = next(p, by)) {
            Traffic t = new Traffic();
            Instant a = p.isBefore(from) ? from : p;
            Instant b = next(p, by);
            b = b.isAfter(to) ? to : b;
            b = b.isAfter(now) ? now : b;
            t.seconds = Math.max(0, java.time.Duration.between(a, b).toSeconds());
            periods.put(p, t);
        }
        for (MinuteFiles.Minute m : MinuteFiles.read(acct, "source", from, to)) {
            periods.get(periodOf(m.minute(), by)).addSource(m);
        }
        for (MinuteFiles.Minute m : MinuteFiles.read(acct, "link-out", from, to)) {
            periods.get(periodOf(m.minute(), by)).addLink(m);
        }
        for (MinuteFiles.Minute m : MinuteFiles.read(acct, LagSampler.PREFIX, from, to)) {
            periods.get(periodOf(m.minute(), by)).addLag(m);
        }
        if (withTables) {
            for (MinuteFiles.Minute m : MinuteFiles.read(acct, TableAccounting.PREFIX, from, to)) {
                periods.get(periodOf(m.minute(), by)).addTable(m);
            }
        }
        Traffic total = new Traffic();
        List<Period> list = new ArrayList<>();
        for (Map.Entry<Instant, Traffic> e : periods.entrySet()) {
            total.add(e.getValue());
            list.add(new Period(e.getKey(), e.getValue()));
        }
        return new LinkReport(name, source, sink, null, list, total);
    }

    private static List<VerifyRun> verifies(String link, Path sinkDir, Instant from, Instant to) throws IOException {
        Path dir = sinkDir.resolve(VerifyResults.DIR);
        List<VerifyRun> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".tsv")).sorted().toList();
        }
        for (Path f : files) {
            String run = f.getFileName().toString().replaceFirst("\\.tsv$", "");
            Matcher m = STAMP.matcher(run);
            Instant started = m.find() ? LocalDateTime.parse(m.group(1), RUN_STAMP).toInstant(ZoneOffset.UTC)
                    : Files.getLastModifiedTime(f).toInstant();
            if (started.isBefore(from) || !started.isBefore(to)) {
                continue;
            }
            VerifyResults.Run r = VerifyResults.read(sinkDir, run);
            int chunks = 0;
            long rows = 0;
            int differs = 0;
            int errors = 0;
            int uncompared = 0;
            for (VerifyResults.Table t : r.tables().values()) {
                chunks += t.chunks();
                rows += t.rows();
                differs += t.differs();
                errors += t.errors();
                uncompared += t.uncompared();
            }
            out.add(new VerifyRun(link, run, started, r.ended(), r.tables().size(), chunks, rows, differs, errors, uncompared,
                    r.definitions().size()));
        }
        return out;
    }

    static Instant periodOf(Instant t, By by) {
        return t.truncatedTo(by.unit);
    }

    static Instant next(Instant p, By by) {
        return p.plus(1, by.unit);
    }

    static Instant instant(Object o) {
        try {
            return o == null ? null : Instant.parse(String.valueOf(o));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Everything, numbers as numbers, for {@code --format json}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from.toString());
        m.put("to", to.toString());
        m.put("by", by.name().toLowerCase());
        m.put("generated", generated.toString());
        List<Object> ls = new ArrayList<>();
        for (LinkReport l : links) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("link", l.link());
            lm.put("source", l.source());
            lm.put("sink", l.sink());
            if (l.missing() != null) {
                lm.put("missing", l.missing());
            }
            lm.put("total", l.total().toMap());
            if (withTables) {
                lm.put("total-tables", l.total().tables().toMap(l.total()));
            }
            List<Object> ps = new ArrayList<>();
            for (Period p : l.periods()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("period", p.start().toString());
                pm.putAll(p.traffic().toMap());
                if (withTables) {
                    pm.put("tables", p.traffic().tables().toMap(p.traffic()));
                }
                ps.add(pm);
            }
            lm.put("periods", ps);
            ls.add(lm);
        }
        m.put("links", ls);
        m.put("drills", drills.stream().map(AuditReport::drill).toList());
        m.put("verify-runs", verifies.stream().map(v -> {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("link", v.link());
            vm.put("run", v.run());
            vm.put("started", v.started().toString());
            vm.put("result", v.result());
            vm.put("tables", v.tables());
            vm.put("chunks", v.chunks());
            vm.put("rows", v.rows());
            vm.put("differing-chunks", v.differs());
            vm.put("differing-definitions", v.definitionsDiffering());
            vm.put("error-chunks", v.errors());
            vm.put("uncompared-chunks", v.uncompared());
            return (Object) vm;
        }).toList());
        m.put("method", method());
        return m;
    }

    /** How this report's figures were measured. */
    public List<String> method() {
        if (!withTables) {
            return METHOD;
        }
        List<String> m = new ArrayList<>(METHOD);
        m.add(TABLES_METHOD);
        return m;
    }

    /** A drill's summary: what the report shows of a drill record. */
    static Map<String, Object> drill(Map<String, Object> r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("started", r.get("started"));
        d.put("kind", r.get("kind"));
        d.put("link", r.get("link"));
        d.put("outcome", r.get("outcome"));
        d.put("duration-ms", r.get("duration-ms"));
        Object pause = r.get("write-pause-ms") != null ? r.get("write-pause-ms") : r.get("write-unavailable-ms-from-command");
        d.put("write-pause-ms", pause);
        Object rpo = r.get("rpo");
        if (rpo instanceof Map<?, ?> m) {
            d.put("rpo-lost-transactions", m.get("lost-transactions"));
            d.put("rpo-window-seconds", m.get("window-seconds"));
        } else if ("switchover".equals(r.get("kind")) && String.valueOf(r.get("outcome")).startsWith("switched")) {
            d.put("rpo-lost-transactions", 0); // a switchover waits until the standby holds the last transaction
        }
        d.put("record", r.get("file"));
        return d;
    }
}
