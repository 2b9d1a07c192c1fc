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

@Command(name = "status", description = "Positions of primary, source, spool, link, sink and standby, and the lag; exit 0 OK, 1 a lag over"
        + " --max-lag or a warning (a failover now would leave something out), 2 a stage down.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--max-lag", paramLabel = "SECONDS",
            description = "Exit 1 when a link's lag is over this many seconds (or unknown: exit 2). Default: no threshold.")
    Double maxLag;

    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "2",
            description = "Show it again every SECONDS (default 2) until interrupted; the exit code is the last one's.")
    Double watch;

    /**
     * Exit code (Nagios style): 0 every link OK, 1 a link lags over --max-lag, 2 a stage is down or
     * stopped (docs/lag.md).
     */
    @Override
    public Integer call() throws InterruptedException {
        QreplConfig c = config.load();
        if (watch == null) {
            return once(c);
        }
        if (watch <= 0) {
            System.err.println("--watch " + watch + ": give a number of seconds above 0");
            return ExitCodes.USAGE;
        }
        while (true) {
            StringBuilder frame = new StringBuilder();
            java.io.PrintStream out = System.out;
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            int exit;
            try {
                exit = once(c);
            } finally {
                System.setOut(out);
            }
            if (!json) { // a JSON consumer gets one document per frame, nothing around it
                frame.append("\033[H\033[2J").append(java.time.Instant.now()).append("  exit ").append(exit).append('\n');
            }
            frame.append(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
            out.print(frame);
            out.flush();
            Thread.sleep((long) (watch * 1000));
        }
    }

    private int once(QreplConfig c) {
        List<Map<String, Object>> reports = new ArrayList<>();
        int exit = StatusHealth.OK;
        for (LinkConfig link : c.links()) {
            Map<String, Object> r = StatusReport.of(c, link);
            StatusHealth health = StatusHealth.judge(r, maxLag).withFailoverReadiness(r);
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
