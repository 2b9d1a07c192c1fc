package io.qreplicator.cli.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an agent offers through its endpoint beyond metrics: its status (typed: numbers as
 * numbers, booleans as booleans) and the run-time controls it accepts ({@code pause},
 * {@code resume}, {@code throttle}), each taking the request's query parameters and answering what
 * it did.
 *
 * @param agent  the agent's name
 * @param kind   source or sink
 * @param status the agent's live status, the same values its status file shows
 */
public record Endpoint(String agent, String kind, Supplier<Map<String, Object>> status, Map<String, Control> controls) {
    /** A run-time change; throws IllegalArgumentException for a bad parameter (the client gets 400 and the message). */
    public interface Control {
        Map<String, Object> apply(Map<String, String> parameters);
    }

    public Endpoint {
        controls = Map.copyOf(controls);
    }

    /** The status document {@code /status} serves. */
    public Map<String, Object> document() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", agent);
        m.put("kind", kind);
        m.put("updated-at-ms", System.currentTimeMillis());
        m.put("status", status.get());
        return m;
    }
}
