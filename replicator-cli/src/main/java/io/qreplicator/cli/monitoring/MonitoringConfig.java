package io.qreplicator.cli.monitoring;

import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.HostPort;

import java.nio.file.Path;

/**
 * An agent's {@code monitoring:} section: where it serves {@code /metrics}, {@code /health},
 * {@code /ready}, and, to a client that presents the token, {@code /status} and {@code /control}.
 * Absent (or no {@code listen}): no endpoint.
 *
 * @param listen    HOST:PORT to listen on, or null for none
 * @param address   HOST:PORT where {@code qrepl} on another host reaches it; null: {@code listen},
 *                  or the agent's database host when {@code listen} is a wildcard address
 * @param tokenFile the secret a client must present for {@code /status} and {@code /control};
 *                  null: the link's {@code token-file}
 * @param tls       serve HTTPS with the agent's link certificate (the default on a TLS link)
 */
public record MonitoringConfig(HostPort listen, HostPort address, Path tokenFile, boolean tls) {
    public static final MonitoringConfig NONE = new MonitoringConfig(null, null, null, false);

    public static MonitoringConfig read(ConfigNode agent, Path baseDir) {
        ConfigNode n = agent.section("monitoring");
        HostPort listen = n.hostPort("listen", null);
        HostPort address = n.hostPort("address", null);
        String token = n.string("token-file", null);
        boolean tls = n.bool("tls", true);
        n.finish();
        return listen == null ? NONE : new MonitoringConfig(listen, address, token == null ? null : baseDir.resolve(token), tls);
    }

    public boolean enabled() {
        return listen != null;
    }

    /** Where a client reaches the endpoint, {@code agentHost} standing in for a wildcard listen address. */
    public HostPort reachAt(String agentHost) {
        if (address != null) {
            return address;
        }
        boolean wildcard = listen.host().equals("0.0.0.0") || listen.host().equals("::") || listen.host().equals("[::]");
        return wildcard ? new HostPort(agentHost, listen.port()) : listen;
    }
}
