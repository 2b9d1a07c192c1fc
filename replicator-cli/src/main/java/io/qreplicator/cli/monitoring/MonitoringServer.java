package io.qreplicator.cli.monitoring;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qreplicator.cli.commands.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An agent's HTTP endpoint, the Prometheus client's server: {@code /metrics} (the registry, in the
 * Prometheus or OpenMetrics text format as the scraper asks), {@code /health} (200 while the
 * process serves: liveness) and {@code /ready} (200 when every {@link Readiness} check passes, 503
 * with the checks otherwise). A port that cannot be bound stops the agent at start with the
 * address in the message: a monitoring gap nobody notices is worse than a refused start.
 */
public final class MonitoringServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitoringServer.class);
    private final HTTPServer server;

    private MonitoringServer(HTTPServer server) {
        this.server = server;
    }

    public static MonitoringServer start(String agent, MonitoringConfig config, PrometheusRegistry registry, Readiness readiness)
            throws IOException {
        HTTPServer s;
        try {
            s = HTTPServer.builder().hostname(config.listen().host()).port(config.listen().port()).registry(registry)
                    .registerHealthHandler(false).defaultHandler(ex -> handle(agent, readiness, ex)).buildAndStart();
        } catch (IOException e) {
            throw new IOException("cannot serve monitoring on " + config.listen() + " (monitoring.listen): " + e.getMessage()
                    + "; choose a free port or remove monitoring.listen", e);
        }
        log.info("{}: monitoring on http://{}:{}/metrics (and /health, /ready)", agent, config.listen().host(), s.getPort());
        return new MonitoringServer(s);
    }

    public int port() {
        return server.getPort();
    }

    private static void handle(String agent, Readiness readiness, HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health")) {
                send(ex, 200, "{\"agent\": \"" + agent + "\", \"alive\": true}\n");
            } else if (path.equals("/ready")) {
                Map<String, String> v = readiness.verdicts();
                boolean ready = Readiness.ready(v);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("agent", agent);
                body.put("ready", ready);
                body.put("checks", v);
                send(ex, ready ? 200 : 503, Json.write(body) + "\n");
            } else {
                send(ex, 404, "{\"error\": \"no such path: " + path.replace("\"", "") + "; try /metrics, /health or /ready\"}\n");
            }
        }
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
