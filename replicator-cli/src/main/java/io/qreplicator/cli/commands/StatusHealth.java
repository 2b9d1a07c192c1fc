package io.qreplicator.cli.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The verdict on one link's status report, for people and for monitoring: OK, a lag over the
 * operator's threshold (WARNING), or a stage that is down (CRITICAL), as the exit code of
 * {@code qrepl status} in the Nagios convention (docs/lag.md). A stage that runs on another host
 * (no status file here) is not judged; the standby's lag still shows whether it moves.
 *
 * A link whose source is dormant (the reverse of the direction replicating, until a switchover turns
 * it round) is not judged: it is DORMANT, exit 0.
 *
 * <p>{@code qrepl status} also judges what a failover now would leave out ({@link #withFailoverReadiness}):
 * a link that replicates but whose standby could not take over whole is a WARNING, exit 1, as a lag
 * over the threshold is (Nagios' WARNING). {@code qrepl lag} does not: its exit code is about lag only.
 *
 * @param exitCode {@link #OK}, {@link #LAGGING} (or {@link #WARNING}, the same code) or {@link #DOWN}
 * @param problems one line per problem, empty when OK
 * @param dormant  the link's source is dormant
 * @param lagging  the lag is over the threshold (exit code 1 without it: a {@link #WARNING})
 */
record StatusHealth(int exitCode, List<String> problems, boolean dormant, boolean lagging) {
    /** An {@link #OK}, {@link #LAGGING} or {@link #DOWN} verdict ({@link #withFailoverReadiness} makes the WARNINGs). */
    StatusHealth(int exitCode, List<String> problems) {
        this(exitCode, problems, false, exitCode == LAGGING);
    }

    static final int OK = 0;
    static final int LAGGING = 1;
    static final int WARNING = 1;
    static final int DOWN = 2;

    /** @param maxLagSeconds the lag above which the link counts as lagging; null for no threshold */
    static StatusHealth judge(Map<String, Object> report, Double maxLagSeconds) {
        if (report.get("role") instanceof Map<?, ?> role && "dormant".equals(role.get("state"))) {
            return new StatusHealth(OK, List.of(), true, false);
        }
        List<String> down = new ArrayList<>();
        if (report.get("role") instanceof Map<?, ?> role && "stalled".equals(role.get("state"))) {
            down.add(String.valueOf(role.get("problem")));
        }
        Map<?, ?> primary = (Map<?, ?>) report.get("primary");
        Map<?, ?> source = (Map<?, ?>) report.get("source");
        Map<?, ?> sink = (Map<?, ?>) report.get("sink");
        Map<?, ?> standby = (Map<?, ?>) report.get("standby");
        Map<?, ?> lag = (Map<?, ?>) report.get("lag");
        if (primary.get("error") != null) {
            down.add("primary " + primary.get("error"));
        }
        if (standby.get("error") != null) {
            down.add("standby " + standby.get("error"));
        }
        agent(down, "source", source, "source.");
        agent(down, "sink", sink, "sink.");
        for (Map.Entry<?, ?> e : sink.entrySet()) {
            // a table whose copy was refused after its changes were passed over: not replicated until copied again
            if (String.valueOf(e.getKey()).startsWith("sink.provision.") && String.valueOf(e.getValue()).startsWith("stale")) {
                down.add(String.valueOf(e.getKey()).substring("sink.provision.".length()) + " is not replicated: "
                        + e.getValue());
            }
        }
        if (Boolean.TRUE.equals(source.get("link.stopped"))) {
            down.add("link stopped: " + source.get("link.last-error"));
        } else if (isRunning(source) && "false".equals(String.valueOf(source.get("link.connected")))) {
            down.add("link down" + since(source, "link.last-error"));
        }
        Object fenced = source.get("source.fenced");
        if (fenced != null && !fenced.toString().isEmpty()) {
            down.add("the source fenced its primary after losing its lease: " + fenced + " (docs/failover.md, \"Fencing\")");
        } else if (isRunning(source) && String.valueOf(source.get("source.lease")).startsWith("lost")) {
            down.add("the source's lease is " + source.get("source.lease") + ": it has not heard the sink for longer than fencing.lease");
        }
        if (isRunning(source) && "false".equals(String.valueOf(source.get("source.connected")))) {
            down.add("source not connected to the primary" + since(source, "source.last-error"));
        }
        if (!down.isEmpty()) {
            return new StatusHealth(DOWN, down);
        }
        if (maxLagSeconds != null) {
            if (!(lag.get("seconds") instanceof Number seconds)) {
                return new StatusHealth(DOWN, List.of("lag unknown: " + lag.get("state")));
            }
            if (seconds.doubleValue() > maxLagSeconds) {
                return new StatusHealth(LAGGING, List.of("lag " + seconds + " s is over --max-lag " + maxLagSeconds + " s"));
            }
        }
        return new StatusHealth(OK, List.of());
    }

    /**
     * This verdict with what a failover now would leave out: the primary's triggers the standby keeps
     * for it (docs/failover.md, "Triggers") never received, or kept with a warning. Exit 1 (WARNING)
     * unless the link is already worse; a dormant link is not judged.
     */
    StatusHealth withFailoverReadiness(Map<String, Object> report) {
        if (dormant || !(report.get("standby") instanceof Map<?, ?> standby)
                || !(standby.get("primary-triggers") instanceof Map<?, ?> triggers)) {
            return this;
        }
        String problem = switch (String.valueOf(triggers.get("state"))) {
            case "none received" -> "a failover now would create none of the primary's triggers: the standby has not received"
                    + " them yet (the source sends them after the first transaction it streams, so this lasts until that one is"
                    + " applied; a source older than the sink sends none: upgrade it, docs/install.md)";
            case "warning" -> "a failover now would create the primary's triggers as last read, which may not be all of them"
                    + " or the last: " + triggers.get("warning") + " (docs/failover.md, \"Triggers\")";
            case "unknown" -> "the primary's triggers the standby keeps for a failover could not be read: " + triggers.get("error");
            default -> null;
        };
        if (problem == null) {
            return this;
        }
        List<String> all = new ArrayList<>(problems);
        all.add(problem);
        return new StatusHealth(Math.max(exitCode, WARNING), all, false, lagging);
    }

    private static void agent(List<String> down, String name, Map<?, ?> status, String prefix) {
        if (Boolean.TRUE.equals(status.get(prefix + "stopped"))) {
            down.add(name + " stopped at " + status.get(prefix + "last-error-at") + " (its error above says why)");
        } else if (status.containsKey("updated-at-ms") && !isRunning(status)) {
            down.add(name + " " + status.get("state"));
        } else if (!status.containsKey("updated-at-ms") && status.get("endpoint-error") != null) {
            // an agent with an endpoint that does not answer, and no status of it on this host: not known to run
            down.add(name + " does not answer at its endpoint (since " + status.get("endpoint-error-at") + "): "
                    + status.get("endpoint-error"));
        }
    }

    private static boolean isRunning(Map<?, ?> status) {
        return "running".equals(status.get("state"));
    }

    private static String since(Map<?, ?> status, String errorKey) {
        Object e = status.get(errorKey);
        return e == null || e.toString().isEmpty() ? "" : " since " + status.get(errorKey + "-at") + ": " + e;
    }

    String verdict() {
        if (dormant) {
            return "DORMANT";
        }
        return switch (exitCode) {
            case OK -> "OK";
            case LAGGING -> lagging ? "LAGGING" : "WARNING";
            default -> "DOWN";
        };
    }
}
