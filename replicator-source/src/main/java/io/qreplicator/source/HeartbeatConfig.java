package io.qreplicator.source;

import io.qreplicator.core.config.ConfigNode;

import java.time.Duration;

/**
 * The heartbeat table the source writes on the primary, so that lag can be read on the standby even
 * when the primary is idle: one row per source, its time updated every {@code interval}.
 *
 * @param enabled  write heartbeats (default true)
 * @param interval how often (default 1s)
 * @param schema   schema of the {@code heartbeat} table on the primary (default qreplicator)
 */
public record HeartbeatConfig(boolean enabled, Duration interval, String schema) {
    public static final HeartbeatConfig DEFAULTS = new HeartbeatConfig(true, Duration.ofSeconds(1), "qreplicator");
    public static final HeartbeatConfig OFF = new HeartbeatConfig(false, Duration.ofSeconds(1), "qreplicator");

    public String table() {
        return "heartbeat";
    }

    public static HeartbeatConfig read(ConfigNode n) {
        boolean enabled = n.bool("enabled", true);
        Duration interval = n.duration("interval", Duration.ofSeconds(1));
        if (interval.toMillis() < 100) {
            n.problem("interval", "must be at least 100ms", "1s is the usual value");
            interval = Duration.ofSeconds(1);
        }
        String schema = n.string("schema", "qreplicator");
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            n.problem("schema", "'" + schema + "' is not a plain schema name", "use letters, digits and _ only");
        }
        n.finish();
        return new HeartbeatConfig(enabled, interval, schema);
    }
}
