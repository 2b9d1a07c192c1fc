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

    @Override
    public Integer call() {
        QreplConfig c = config.load();
        List<Map<String, Object>> reports = new ArrayList<>();
        for (LinkConfig link : c.links()) {
            reports.add(StatusReport.of(c, link));
        }
        if (json) {
            System.out.println(Json.write(Map.of("cluster", c.topology().cluster(), "links", reports)));
            return ExitCodes.OK;
        }
        for (Map<String, Object> r : reports) {
            System.out.print(StatusText.render(r));
        }
        return ExitCodes.OK;
    }
}
