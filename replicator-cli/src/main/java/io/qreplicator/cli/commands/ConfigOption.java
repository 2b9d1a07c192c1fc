package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.config.QreplConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code -c FILE} option every command that reads the config shares. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The config file.")
    Path file;

    QreplConfig load() {
        return QreplConfigLoader.load(file);
    }
}
