package io.qreplicator.cli;

import io.qreplicator.cli.commands.CertsCommand;
import io.qreplicator.cli.commands.ConfigCommand;
import io.qreplicator.cli.commands.ExitCodes;
import io.qreplicator.cli.commands.InitCommand;
import io.qreplicator.cli.commands.LagCommand;
import io.qreplicator.cli.commands.FailoverCommand;
import io.qreplicator.cli.commands.SwitchoverCommand;
import io.qreplicator.cli.commands.RejoinCommand;
import io.qreplicator.cli.commands.DrillsCommand;
import io.qreplicator.cli.commands.ReportCommand;
import io.qreplicator.cli.commands.ControlCommands;
import io.qreplicator.cli.commands.SinkCommand;
import io.qreplicator.cli.commands.SourceCommand;
import io.qreplicator.cli.commands.SpoolCommand;
import io.qreplicator.cli.commands.StatusCommand;
import io.qreplicator.cli.commands.ProvisionCommand;
import io.qreplicator.cli.commands.VerifyCommand;
import io.qreplicator.core.config.ConfigException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code qrepl}. */
@Command(name = "qrepl", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, scope = CommandLine.ScopeType.INHERIT,
        description = "Qreplicator: disaster-recovery replication of MySQL/MariaDB over a thin link.",
        subcommands = {InitCommand.class, ConfigCommand.class, SourceCommand.class, SinkCommand.class, StatusCommand.class, LagCommand.class, SwitchoverCommand.class, FailoverCommand.class, RejoinCommand.class, DrillsCommand.class, ReportCommand.class, ControlCommands.Pause.class, ControlCommands.Resume.class,
                ControlCommands.Throttle.class, VerifyCommand.class, ProvisionCommand.class,
                SpoolCommand.class, CertsCommand.class, CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        logFormat();
        System.exit(run(args));
    }

    /**
     * QREPL_LOG_FORMAT names one of logback.xml's appenders; another value would leave the agent
     * silent (logback finds no such appender and says so to nobody). Checked before the first log
     * line: an unknown value falls back to text, with a word on stderr.
     */
    private static void logFormat() {
        String f = System.getProperty("QREPL_LOG_FORMAT", System.getenv("QREPL_LOG_FORMAT"));
        if (f == null || f.isBlank()) {
            return;
        }
        String v = f.strip().toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("text") && !v.equals("json")) {
            System.err.println("qrepl: QREPL_LOG_FORMAT=" + f + " is neither text nor json; logging as text");
            v = "text";
        }
        System.setProperty("QREPL_LOG_FORMAT", v);
    }

    public static int run(String... args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                System.err.println(e.getMessage());
                System.err.println("check it with: qrepl config check -c " + ((ConfigException) e).file());
                return ExitCodes.USAGE;
            }
            if (e instanceof IllegalArgumentException) {
                System.err.println("qrepl: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            System.err.println("qrepl: " + e);
            e.printStackTrace();
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
