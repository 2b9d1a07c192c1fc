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
        System.exit(run(args)); // logging: logging.LogSetup
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
