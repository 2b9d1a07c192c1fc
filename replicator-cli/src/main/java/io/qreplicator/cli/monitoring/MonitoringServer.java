package io.qreplicator.cli.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qreplicator.cli.commands.Json;
import io.qreplicator.transport.security.LinkToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * An agent's HTTP endpoint, the Prometheus client's server: {@code /metrics} (the registry, in the
 * Prometheus or OpenMetrics text format as the scraper asks), {@code /health} (200 while the
 * process serves: liveness) and {@code /ready} (200 when every {@link Readiness} check passes, 503
 * with the checks otherwise), open to any client; then, only to a client presenting the token
 * ({@code Authorization: Bearer TOKEN}, compared in constant time), {@code GET /status} and
 * {@code POST /control/NAME} ({@link Endpoint}). Without a token configured those two answer 403
 * and say how to configure one. HTTPS with the agent's link certificate on a TLS link
 * ({@code monitoring.tls}).
 *
 * <p>A port that cannot be bound stops the agent at start with the address in the message: a
 * monitoring gap nobody notices is worse than a refused start.
 */
public final class MonitoringServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitoringServer.class);
    private final HTTPServer server;

    private MonitoringServer(HTTPServer server) {
        this.server = server;
    }

    /**
     * @param tls   the HTTPS context, or null for plain HTTP
     * @param token what a client must present for /status and /control, or null: those are refused
     */
    public static MonitoringServer start(MonitoringConfig config, PrometheusRegistry registry, Readiness readiness,
                                         Endpoint endpoint, SSLContext tls, java.util.function.Supplier<LinkToken> token)
            throws IOException {
        HTTPServer s;
        String agent = endpoint.kind() + " " + endpoint.agent();
        try {
            HTTPServer.Builder b = HTTPServer.builder().hostname(config.listen().host()).port(config.listen().port()).registry(registry)
                    .registerHealthHandler(false).defaultHandler(ex -> handle(endpoint, readiness, token, ex));
            if (tls != null) {
                b.httpsConfigurator(new HttpsConfigurator(tls));
            }
            s = b.buildAndStart();
        } catch (IOException e) {
            throw new IOException("cannot serve monitoring on " + config.listen() + " (monitoring.listen): " + e.getMessage()
                    + "; choose a free port or remove monitoring.listen", e);
        }
        boolean hasToken = token.get() != null;
        log.info("{}: monitoring on {}://{}:{}/metrics (and /health, /ready; /status and /control {})", agent,
                tls == null ? "http" : "https", config.listen().host(), s.getPort(),
                !hasToken ? "off: no token (monitoring.token-file or the link's token-file)" : "with the token");
        if (hasToken && tls == null) {
            log.warn("{}: the endpoint is plain HTTP, so the token that /status and /control ask for crosses the network in clear;"
                    + " use a TLS link (monitoring.tls: true) or keep the port on a network nobody else reaches", agent);
        }
        return new MonitoringServer(s);
    }

    /**
     * Starts the endpoint of an agent on {@code link}: HTTPS with the agent's link certificate when
     * the link has TLS and {@code monitoring.tls} is on; the token from {@code monitoring.token-file},
     * else the link's.
     */
    public static MonitoringServer serve(MonitoringConfig config, io.qreplicator.transport.LinkConfig link, boolean sinkEnd,
                                         AgentMetrics metrics, Readiness readiness, Endpoint endpoint) throws IOException {
        SSLContext tls = config.tls() && !link.security().plaintext()
                ? io.qreplicator.transport.security.EndpointTls.server(link.security(), sinkEnd) : null;
        java.nio.file.Path file = config.tokenFile() != null ? config.tokenFile() : link.security().tokenFile();
        LinkToken.read(file); // a bad token file refuses the start
        return start(config, metrics.registry(), readiness, endpoint, tls, () -> LinkToken.read(file));
    }

    public int port() {
        return server.getPort();
    }

    private static void handle(Endpoint endpoint, Readiness readiness, java.util.function.Supplier<LinkToken> tokens, HttpExchange ex)
            throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health")) {
                send(ex, 200, Json.write(Map.of("agent", endpoint.agent(), "alive", true)) + "\n");
            } else if (path.equals("/ready")) {
                Map<String, String> v = readiness.verdicts();
                boolean ready = Readiness.ready(v);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("agent", endpoint.agent());
                body.put("ready", ready);
                body.put("checks", v);
                send(ex, ready ? 200 : 503, Json.write(body) + "\n");
            } else if (path.equals("/status") || path.startsWith("/control/")) {
                LinkToken token;
                try {
                    token = tokens.get(); // read again: a rotated token works at once
                } catch (RuntimeException e) {
                    send(ex, 503, error("the token cannot be read: " + e.getMessage()));
                    return;
                }
                if (token == null) {
                    send(ex, 403, error("remote status and control are off on this agent: set monitoring.token-file, or a"
                            + " token-file on its link"));
                    return;
                }
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.startsWith("Bearer ") || !token.matches(auth.substring("Bearer ".length()).strip())) {
                    log.warn("monitoring: {} {} from {} refused: {} token", ex.getRequestMethod(), path, ex.getRemoteAddress(),
                            auth == null ? "no" : "a wrong");
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    send(ex, 401, error("authentication failed: present the agent's token (Authorization: Bearer ...)"));
                    return;
                }
                if (path.equals("/status")) {
                    send(ex, 200, Json.write(endpoint.document()) + "\n");
                    return;
                }
                Endpoint.Control c = endpoint.controls().get(path.substring("/control/".length()));
                if (c == null) {
                    send(ex, 404, error("no control " + path + " on this " + endpoint.kind() + "; it has: "
                            + String.join(", ", new java.util.TreeSet<>(endpoint.controls().keySet()))));
                } else if (!ex.getRequestMethod().equals("POST")) {
                    send(ex, 405, error("use POST for " + path));
                } else {
                    try {
                        Map<String, Object> done = c.apply(query(ex.getRequestURI().getRawQuery()));
                        log.info("monitoring: {} from {}: {}", path, ex.getRemoteAddress(), done);
                        send(ex, 200, Json.write(done) + "\n");
                    } catch (IllegalArgumentException e) {
                        send(ex, 400, error(e.getMessage()));
                    }
                }
            } else {
                send(ex, 404, error("no such path: " + path + "; try /metrics, /health, /ready, /status"));
            }
        }
    }

    private static String error(String message) {
        return Json.write(Map.of("error", message)) + "\n";
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            m.put(k, i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
