package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Positions of primary, source, spool, link, sink and standby, and the lag.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--max-lag", paramLabel = "SECONDS",
            description = "Exit 1 when a link's lag is over this many seconds (or unknown: exit 2). Default: no threshold.")
    Double maxLag;

    /** Exit code: 0 every link OK, 1 a link lags over --max-lag, 2 a stage is down or stopped (docs/lag.md). */
    @Override
    public Integer call() {
        QreplConfig c = config.load();
        List<Map<String, Object>> reports = new ArrayList<>();
        int exit = StatusHealth.OK;
        for (LinkConfig link : c.links()) {
            Map<String, Object> r = StatusReport.of(c, link);
            StatusHealth health = StatusHealth.judge(r, maxLag);
            r.put("health", Map.of("state", health.verdict(), "problems", health.problems()));
            exit = Math.max(exit, health.exitCode());
            reports.add(r);
        }
        if (json) {
            System.out.println(Json.write(Map.of("cluster", c.topology().cluster(), "links", reports)));
            return exit;
        }
        for (Map<String, Object> r : reports) {
            System.out.print(StatusText.render(r));
        }
        return exit;
    }
}
