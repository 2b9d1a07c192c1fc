package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code qrepl lag}: one line per link for scripts and monitoring, from the same report and the same
 * verdict as {@code qrepl status} ({@link StatusReport}, {@link StatusHealth}). Exit code: 0 every
 * link within the threshold, 1 a link over it, 2 a stage down or, with a threshold, the lag unknown (docs/lag.md).
 */
@Command(name = "lag", description = "One line per link: the standby's lag in seconds and the verdict; exit 0 OK, 1 over"
        + " --max-seconds, 2 a stage down.")
public final class LagCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--max-seconds", paramLabel = "N",
            description = "Exit 1 when a link's lag is over N seconds, 2 when it cannot be told (default: no threshold).")
    Double maxSeconds;

    @Option(names = "--link", paramLabel = "NAME", description = "Only this link (default: every link).")
    String link;

    @Option(names = "--json", description = "One JSON object per link, one per line.")
    boolean json;

    @Override
    public Integer call() {
        QreplConfig c = config.load();
        int exit = StatusHealth.OK;
        List<String> lines = new ArrayList<>();
        for (LinkConfig l : c.links()) {
            if (link != null && !l.name().equals(link)) {
                continue;
            }
            Map<String, Object> r = StatusReport.of(c, l);
            StatusHealth health = StatusHealth.judge(r, maxSeconds);
            exit = Math.max(exit, health.exitCode());
            Map<?, ?> lag = (Map<?, ?>) r.get("lag");
            Object seconds = lag.get("seconds") instanceof Number n ? n : null;
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("link", l.name());
                m.put("verdict", health.verdict());
                m.put("lag-seconds", seconds);
                m.put("transactions-behind", lag.get("transactions"));
                m.put("state", lag.get("state"));
                m.put("problems", health.problems());
                lines.add(Json.line(m));
            } else {
                lines.add(l.name() + " " + health.verdict() + " lag=" + (seconds == null ? "unknown" : seconds + "s")
                        + (lag.get("transactions") == null ? "" : " behind=" + lag.get("transactions") + "tx")
                        + " (" + lag.get("state") + ")"
                        + (health.problems().isEmpty() ? "" : ": " + String.join("; ", health.problems())));
            }
        }
        if (lines.isEmpty()) {
            System.err.println("no link named '" + link + "' in " + c.file());
            return ExitCodes.USAGE;
        }
        lines.forEach(System.out::println);
        return exit;
    }
}
