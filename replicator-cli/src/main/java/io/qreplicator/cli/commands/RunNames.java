package io.qreplicator.cli.commands;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Names of runs (verify, provision, failover) and their files: the UTC time to the millisecond, so
 * that two commands started in the same second (a refused run, then the same with --force) never
 * share a name, and names sort in time order.
 */
public final class RunNames {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private RunNames() {
    }

    public static String next(String prefix) {
        return prefix + "-" + STAMP.format(Instant.now());
    }
}
