package io.qreplicator.cli.monitoring;

import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.HostPort;

/**
 * An agent's {@code monitoring:} section: where it serves {@code /metrics}, {@code /health} and
 * {@code /ready} over HTTP. Absent (or no {@code listen}): no endpoint. Bind it to an address only
 * the monitoring network reaches (the endpoint serves no secret and changes nothing).
 *
 * @param listen HOST:PORT to listen on, or null for none
 */
public record MonitoringConfig(HostPort listen) {
    public static final MonitoringConfig NONE = new MonitoringConfig(null);

    public static MonitoringConfig read(ConfigNode agent) {
        ConfigNode n = agent.section("monitoring");
        HostPort listen = n.hostPort("listen", null);
        n.finish();
        return listen == null ? NONE : new MonitoringConfig(listen);
    }

    public boolean enabled() {
        return listen != null;
    }
}
