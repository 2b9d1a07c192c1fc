package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.report.AuditReport;
import io.qreplicator.cli.report.ReportHtml;
import io.qreplicator.cli.report.ReportText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * {@code qrepl report}: the DR audit report ({@link AuditReport}) of a time range, by hour or day,
 * as a table, CSV, JSON or a self-contained HTML page. Read from the accounting of the agents on
 * this host: run it on the source agent's host (docs/audit-report.md).
 */
@Command(name = "report", description = "The DR audit report: per link and period (and per table with --tables), binlog bytes,"
        + " shipped and wire bytes, the ratio, transactions and GTIDs, lag and RPO percentiles, and the drills and verify runs of the period.")
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--from", paramLabel = "TIME", description = "Start, UTC: 2026-10-01 or 2026-10-01T08:00Z (default: midnight"
            + " 7 days before --to). Bounds are taken to the minute.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End (excluded), same forms (default: the end of the current minute).")
    String to;

    @Option(names = "--by", paramLabel = "hour|day", defaultValue = "day", description = "Period length (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--format", paramLabel = "table|csv|json|html", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}); html is one self-contained file with charts.")
    String format;

    @Option(names = "--tables", description = "Also per table: rows inserted, updated and deleted, the bytes its changes took"
            + " after filtering and shaping, and its share of the wire bytes (apportioned). With --format csv, one row per link,"
            + " period and table instead of the per-period rows.")
    boolean tables;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Instant end;
        Instant start;
        AuditReport.By period;
        try {
            // minutes are the accounting's unit: a bound inside one would count it whole or not at all
            // by default through the current minute, whose line the agents write when it is over or they stop
            end = to == null ? Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES)
                    : time(to, "--to").truncatedTo(ChronoUnit.MINUTES);
            start = from == null ? end.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(7))
                    : time(from, "--from").truncatedTo(ChronoUnit.MINUTES);
            period = switch (by.toLowerCase()) {
                case "hour" -> AuditReport.By.HOUR;
                case "day" -> AuditReport.By.DAY;
                default -> throw new IllegalArgumentException("--by " + by + ": use hour or day");
            };
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException("--from " + start + " is not before --to " + end);
            }
            if (period == AuditReport.By.HOUR && Duration.between(start, end).toDays() > 400) {
                throw new IllegalArgumentException("more than 400 days by hour: use --by day");
            }
            if (!java.util.List.of("table", "csv", "json", "html").contains(format)) {
                throw new IllegalArgumentException("--format " + format + ": use table, csv, json or html");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("qrepl report: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        QreplConfig c = config.load();
        AuditReport r = AuditReport.build(c, start, end, period, tables);
        String text = switch (format) {
            case "csv" -> tables ? ReportText.tablesCsv(r) : ReportText.csv(r);
            case "json" -> Json.write(r.toMap()) + "\n";
            case "html" -> ReportHtml.render(r);
            default -> ReportText.table(r);
        };
        if (output == null) {
            System.out.print(text);
        } else {
            Files.writeString(output, text, StandardCharsets.UTF_8);
            System.out.println("report written to " + output);
        }
        // a link whose source runs on another host (the reverse link, another shard) is named in the report; only a
        // report with no link's figures at all is a failure
        return r.links().stream().allMatch(l -> l.missing() != null) ? ExitCodes.FAILED : ExitCodes.OK;
    }

    static Instant time(String s, String option) {
        try {
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z")) {
                return Instant.parse(s.replace("Z", ":00Z"));
            }
            return Instant.parse(s).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " " + s + ": use a UTC date (2026-10-01) or time (2026-10-01T08:00Z)");
        }
    }
}
