package io.qreplicator.cli.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /ready} answers: each named check's verdict ("ok" or why not). Ready means every
 * check is "ok"; the endpoint then answers 200, otherwise 503 with the checks, so that a load
 * balancer, a probe or an operator's curl sees which stage is not running.
 */
public final class Readiness {
    private final Map<String, Supplier<String>> checks = new LinkedHashMap<>();

    /** Adds a check: its supplier returns "ok" or a reason. */
    public Readiness check(String name, Supplier<String> verdict) {
        checks.put(name, verdict);
        return this;
    }

    public Map<String, String> verdicts() {
        Map<String, String> m = new LinkedHashMap<>();
        checks.forEach((k, v) -> {
            String s;
            try {
                s = v.get();
            } catch (RuntimeException e) {
                s = "cannot tell: " + e;
            }
            m.put(k, s);
        });
        return m;
    }

    public static boolean ready(Map<String, String> verdicts) {
        return verdicts.values().stream().allMatch("ok"::equals);
    }
}
