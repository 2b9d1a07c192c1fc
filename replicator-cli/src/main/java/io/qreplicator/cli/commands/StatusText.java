package io.qreplicator.cli.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders one link's status report as a few lines an operator can read at a glance. */
final class StatusText {
    private StatusText() {
    }

    static String render(Map<String, Object> r) {
        Map<?, ?> primary = (Map<?, ?>) r.get("primary");
        Map<?, ?> source = (Map<?, ?>) r.get("source");
        Map<?, ?> sink = (Map<?, ?>) r.get("sink");
        Map<?, ?> standby = (Map<?, ?>) r.get("standby");
        Map<?, ?> lag = (Map<?, ?>) r.get("lag");
        StringBuilder sb = new StringBuilder();
        Map<?, ?> health = (Map<?, ?>) r.get("health");
        sb.append("link ").append(r.get("link"));
        if (health != null) {
            sb.append("    ").append(health.get("state"));
        }
        sb.append("    lag: ").append(get(lag, "state"));
        if (lag.get("transactions") != null) {
            sb.append(" (").append(lag.get("transactions")).append(" transactions");
            if (lag.get("seconds") != null) {
                sb.append(", ").append(lag.get("seconds")).append(" s");
            }
            if (lag.get("binlog-bytes") instanceof Long b && b > 0) {
                sb.append(", ").append(lag.get("binlog-bytes-at-least") != null ? "at least " : "").append(b)
                        .append(" binlog bytes");
            }
            sb.append(")");
        }
        sb.append('\n');
        if (r.get("role") instanceof Map<?, ?> role && role.get("epoch") instanceof Long epoch
                && (epoch > 0 || !"active".equals(role.get("state")))) { // a pair no switchover has touched: no line
            line(sb, "role", "dormant".equals(role.get("state"))
                    ? "dormant: the other direction replicates (role change " + role.get("epoch") + ")"
                    : "stalled".equals(role.get("state")) ? "STALLED: neither direction replicates (role change " + epoch + ")"
                    : "active since role change " + epoch,
                    role.get("changed-by"));
        }
        line(sb, "primary", primary.get("node"), primary.containsKey("error") ? primary.get("error") : null,
                label("gtid", primary.get("gtid")), primary.get("file"));
        line(sb, "source", source.get("state"), label("spooled seq", source.get("source.spooled.seq")),
                label("gtid", source.get("source.spooled.gtid")), source.get("source.spooled.file"),
                Boolean.TRUE.equals(source.get("source.connected")) ? "reading the binlog" : source.containsKey("source.connected") ? "NOT connected to the primary" : null);
        line(sb, "link", source.containsKey("link.connected") ? (Boolean.TRUE.equals(source.get("link.connected")) ? "connected" : "DOWN") : null,
                label("sent seq", source.get("link.sent.seq")), label("acked seq", source.get("link.acked.seq")),
                bytes(source.get("link.wire-bytes-out"), source.get("link.record-bytes"), source.get("link.compression")),
                source.get("link.security"),
                "0".equals(String.valueOf(source.get("link.max-bandwidth"))) ? null : label("cap B/s", source.get("link.max-bandwidth")),
                interruption(source));
        line(sb, "sink", sink.get("state"), label("received seq", sink.get("link.received.seq")),
                label("applied seq", sink.get("sink.applied.seq")), label("workers", sink.get("sink.workers")),
                "0".equals(String.valueOf(sink.get("sink.replays"))) ? null : label("stretches replayed alone", sink.get("sink.replays")));
        line(sb, "standby", standby.get("node"), standby.containsKey("error") ? standby.get("error") : null,
                label("applied seq", standby.get("applied-seq")), label("gtid", standby.get("applied-gtid")),
                label("at", standby.get("applied-at")));
        if (standby.get("primary-triggers") instanceof Map<?, ?> t && !String.valueOf(t.get("state")).startsWith("none yet")) {
            // what qrepl failover would create on the standby (docs/failover.md, "Triggers")
            String state = String.valueOf(t.get("state"));
            line(sb, "triggers", switch (state) {
                case "kept" -> t.get("count") + " of the primary's kept for a failover";
                case "warning" -> t.get("count") + " of the primary's kept for a failover, MAY NOT BE ALL OR THE LAST (warning below)";
                case "none received" -> "NONE of the primary's received for a failover (warning below)";
                default -> "unknown: " + t.get("error");
            }, label("as read at seq", t.get("record-seq")), label("applied", t.get("received-at")));
        }
        if (sink.get("sink.divergences") instanceof Long n && n > 0) {
            // the standby knowingly differs (a skip, on-divergence overwrite or skip): never "caught up" without saying so
            line(sb, "differs", n + (n == 1 ? " change" : " changes") + " passed over or overwritten, listed in "
                    + sink.get("sink.divergence-log") + " (once the rows are made right, move it aside and restart the sink:"
                    + " docs/verifying.md)",
                    label("last", sink.get("sink.last-divergence")));
        }
        if (sink.get("sink.skip-requested") != null) {
            line(sb, "skip", "requested: " + sink.get("sink.skip-requested"));
        }
        Object verifying = source.get("source.verify.progress");
        if (verifying != null && !String.valueOf(verifying).isEmpty()) {
            line(sb, "verify", "running: " + verifying);
        }
        sink.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith("sink.verify.")) {
                String[] f = String.valueOf(v).split(" ", 3); // time run result
                line(sb, "verified", key.substring("sink.verify.".length()), f.length == 3 ? f[2] : String.valueOf(v),
                        f.length == 3 ? "at " + f[0] + " (" + f[1] + ")" : null);
            }
        });
        List<String> errors = new ArrayList<>();
        addError(errors, "source", source, "source.last-error");
        addError(errors, "verify", source, "source.verify.error");
        addError(errors, "link", source, "link.last-error");
        addError(errors, "sink", sink, "sink.last-error");
        addError(errors, "sink link", sink, "link.last-error");
        for (String e : errors) {
            sb.append("  ").append(String.format(Locale.ROOT, "%-8s ", "error")).append(e).append('\n');
        }
        if (health != null) {
            for (Object p : (List<?>) health.get("problems")) {
                sb.append("  ").append(String.format(Locale.ROOT, "%-8s ", "DOWN".equals(health.get("state")) ? "down" : "warning"))
                        .append(p).append('\n');
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String part, Object... fields) {
        sb.append("  ").append(String.format(Locale.ROOT, "%-8s", part));
        for (Object f : fields) {
            if (f != null && !f.toString().isEmpty()) {
                sb.append("  ").append(f);
            }
        }
        sb.append('\n');
    }

    /** How long the link has been down, or its last interruption and when it resumed; null when there is nothing to say. */
    static String interruption(Map<?, ?> source) {
        long downSince = source.get("link.down-since-ms") instanceof Long d ? d : 0;
        if (downSince > 0 && Boolean.FALSE.equals(source.get("link.connected"))) {
            long tries = source.get("link.tries") instanceof Long t ? t : 0;
            long delay = source.get("link.retry-delay-ms") instanceof Long d ? d : 0;
            return "down for " + seconds(System.currentTimeMillis() - downSince) + " (since " + java.time.Instant.ofEpochMilli(downSince) + ")"
                    + (tries > 0 ? ", " + tries + (tries == 1 ? " try" : " tries") + ", next in " + seconds(delay) : "");
        }
        long last = source.get("link.last-interruption-ms") instanceof Long l ? l : -1;
        long resumed = source.get("link.resumed-at-ms") instanceof Long r ? r : 0;
        if (last < 0 || resumed == 0) {
            return null;
        }
        boolean start = Long.valueOf(0).equals(source.get("link.interruptions"));
        return (start ? "up " : "resumed ") + java.time.Instant.ofEpochMilli(resumed) + ", " + seconds(last)
                + (start ? " after the agent started" : " after an interruption");
    }

    private static String seconds(long ms) {
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms < 7_200_000 ? ms / 1000 + " s"
                : String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
    }

    private static String label(String name, Object value) {
        return value == null || value.toString().isEmpty() ? null : name + " " + value;
    }

    private static String get(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? "unknown" : v.toString();
    }

    private static String bytes(Object wire, Object records, Object codec) {
        if (wire == null || records == null) {
            return null;
        }
        return "wire out " + human(Long.parseLong(wire.toString())) + " for " + human(Long.parseLong(records.toString()))
                + " of records (" + codec + ")";
    }

    static String human(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** The stage's error with when it happened, if it has one that is not over. */
    private static void addError(List<String> errors, String where, Map<?, ?> status, String key) {
        Object e = status.get(key);
        if (e != null && !e.toString().isEmpty()) {
            Object at = status.get(key + "-at");
            errors.add(where + (at == null ? "" : " (" + at + ")") + ": " + e);
        }
    }
}
