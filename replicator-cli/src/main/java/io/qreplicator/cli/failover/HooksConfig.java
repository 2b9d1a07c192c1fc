package io.qreplicator.cli.failover;

import io.qreplicator.core.config.ConfigNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The config's {@code hooks:} section: operator scripts that {@code qrepl} runs around a role
 * change, on the host where the command runs, so that VIPs, DNS, ProxySQL or MaxScale follow the
 * primary. Each key names an event; its value is a script path (relative to the config file's
 * directory unless absolute). Their environment is documented in docs/failover.md.
 *
 * @param scripts event name ({@link #EVENTS}) to script
 * @param timeout how long one script may run before it is killed and counted as failed
 */
public record HooksConfig(Map<String, Path> scripts, Duration timeout) {
    /** The events a hook can be given for, in the order they happen. */
    public static final java.util.List<String> EVENTS = java.util.List.of("pre-switchover", "post-switchover", "pre-failover", "post-failover");

    public static final HooksConfig NONE = new HooksConfig(Map.of(), Duration.ofSeconds(30));

    public static HooksConfig read(ConfigNode n, Path base) {
        Map<String, Path> scripts = new LinkedHashMap<>();
        for (String event : EVENTS) {
            String s = n.string(event, null);
            if (s != null && !s.isBlank()) {
                scripts.put(event, base.resolve(s));
            }
        }
        Duration timeout = n.duration("timeout", Duration.ofSeconds(30));
        if (timeout.isZero() || timeout.isNegative()) {
            n.problem("timeout", "a hook's timeout must be positive, not " + timeout, "e.g. timeout: 30s");
        }
        n.finish();
        return new HooksConfig(Map.copyOf(scripts), timeout);
    }

    public Optional<Path> script(String event) {
        return Optional.ofNullable(scripts.get(event));
    }
}
