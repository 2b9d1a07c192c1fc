package io.qreplicator.cli.monitoring;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.config.HostPort;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.security.EndpointTls;
import io.qreplicator.transport.security.LinkToken;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qrepl}'s side of an agent's endpoint ({@link MonitoringServer}): reads its typed status and
 * sends it controls, from any host that has the config, the link's CA and the token. Over HTTPS it
 * trusts only the link's CA and accepts only a certificate named after the agent it asked for
 * (whatever address it reached it at).
 */
public final class AgentClient {
    private final String agent;
    private final HostPort address;
    private final SSLContext tls;
    private final LinkToken token;

    private AgentClient(String agent, HostPort address, SSLContext tls, LinkToken token) {
        this.agent = agent;
        this.address = address;
        this.tls = tls;
        this.token = token;
    }

    /** The client of {@code agent}'s endpoint, or null when the config gives it none. */
    public static AgentClient of(QreplConfig c, String agent) {
        MonitoringConfig m = c.monitoring(agent);
        if (!m.enabled()) {
            return null;
        }
        boolean sink = c.sinks().stream().anyMatch(s -> s.name().equals(agent));
        LinkConfig link = (sink ? c.linkOfSink(agent) : c.linkOfSource(agent)).orElseThrow();
        String host = sink ? c.sink(agent).node().address().host() : c.source(agent).node().address().host();
        SSLContext tls = m.tls() && !link.security().plaintext() ? EndpointTls.client(link.security().ca()) : null;
        LinkToken token = LinkToken.read(m.tokenFile() != null ? m.tokenFile() : link.security().tokenFile());
        return new AgentClient(agent, m.reachAt(host), tls, token);
    }

    public String where() {
        return (tls == null ? "http" : "https") + "://" + address;
    }

    /** {@code GET /status}: the agent's status document (numbers as Long or Double, booleans as Boolean). */
    public Map<String, Object> status() throws IOException {
        return call("GET", "/status");
    }

    /** {@code POST /control/NAME?params}: what the agent did. */
    public Map<String, Object> control(String name, Map<String, String> params) throws IOException {
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return call("POST", "/control/" + name + q);
    }

    private Map<String, Object> call(String method, String path) throws IOException {
        if (token == null) {
            throw new IOException("no token for " + agent + "'s endpoint: set monitoring.token-file or the link's token-file");
        }
        HttpURLConnection conn = (HttpURLConnection) URI.create(where() + path).toURL().openConnection();
        if (conn instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls.getSocketFactory());
            https.setHostnameVerifier((host, session) -> {
                try {
                    return agent.equals(EndpointTls.commonName((X509Certificate) session.getPeerCertificates()[0]));
                } catch (SSLPeerUnverifiedException e) {
                    return false;
                }
            });
        }
        conn.setRequestMethod(method);
        conn.setConnectTimeout(3000);
        conn.setReadTimeout(10_000);
        conn.setRequestProperty("Authorization", "Bearer " + token.value());
        try {
            int code = conn.getResponseCode();
            InputStream in = code < 400 ? conn.getInputStream() : conn.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> doc = parse(body);
            if (code >= 400) {
                throw new IOException(agent + " at " + where() + " answered " + code + ": " + doc.getOrDefault("error", body));
            }
            return doc;
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new IOException("TLS with " + agent + " at " + where() + " failed (is its certificate signed by the link's CA and"
                    + " named " + agent + "?): " + e.getMessage(), e);
        } finally {
            conn.disconnect();
        }
    }

    /** JSON as maps, lists, Long, Double, Boolean and String. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(json);
        return o instanceof Map<?, ?> m ? (Map<String, Object>) normalize(m) : Map.of("body", json);
    }

    private static Object normalize(Object o) {
        if (o instanceof Integer i) {
            return i.longValue();
        }
        if (o instanceof java.math.BigInteger b) {
            return b.longValue();
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(normalize(v)));
            return out;
        }
        return o;
    }
}
