package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.failover.DrillRecord;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code qrepl drills}: the role changes run on this host (failovers), oldest first, from their records ({@link DrillRecord}). */
@Command(name = "drills", description = "List the failovers run from this host, with their outcome, write pause, RPO and GTIDs.")
public final class DrillsCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print the records as a JSON list.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        QreplConfig c = config.load();
        Set<Path> dirs = new LinkedHashSet<>();
        c.sinks().stream().map(SinkConfig::dataDir).forEach(dirs::add);
        c.sources().stream().map(SourceConfig::dataDir).forEach(dirs::add);
        List<Map<String, Object>> all = new ArrayList<>();
        for (Path d : dirs) {
            if (d != null && Files.isDirectory(d)) {
                all.addAll(DrillRecord.load(d));
            }
        }
        all.sort((a, b) -> String.valueOf(a.get("started")).compareTo(String.valueOf(b.get("started"))));
        if (json) {
            System.out.println(Json.write(all));
            return ExitCodes.OK;
        }
        if (all.isEmpty()) {
            System.out.println("no failover has been run from this host (records are kept in each agent's DATA_DIR/drills)");
            return ExitCodes.OK;
        }
        System.out.printf("%-22s %-9s %-10s %-24s %10s %12s  %s%n", "started", "kind", "link", "outcome", "duration", "writable-at", "RPO / GTID");
        for (Map<String, Object> r : all) {
            Object rpo = r.get("rpo");
            String loss = "";
            if (rpo instanceof Map<?, ?> m) {
                loss = m.get("lost-transactions") != null ? m.get("lost-transactions") + " tx lost"
                        : m.get("window-seconds") != null ? "window " + m.get("window-seconds") + " s" : "not known";
            }
            Object writable = r.get("write-unavailable-ms-from-command");
            System.out.printf("%-22s %-9s %-10s %-24s %8s ms %9s ms  %s%n", String.valueOf(r.get("started")).replaceFirst("\\.\\d+Z$", "Z"),
                    r.get("kind"), r.get("link"), r.get("outcome"), r.get("duration-ms"), writable == null ? "-" : writable,
                    r.get("refused") != null ? "refused: " + r.get("refused") : loss + (r.get("applied-gtid") == null ? "" : ", standby at " + r.get("applied-gtid")));
        }
        return ExitCodes.OK;
    }
}
