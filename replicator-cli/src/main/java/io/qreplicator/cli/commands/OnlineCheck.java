package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.StandbyConnections;
import io.qreplicator.sink.standby.StandbyPreflight;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.source.preflight.PrimaryPreflight;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.security.TlsFilesCheck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qrepl config check --online}: what an agent's start would check, without starting one.
 * Each server is reached with its account and judged by the same preflight the agents run
 * (binlog settings and grants on a primary; read_only, the sink's write grant and the checkpoint
 * table on a standby); a link's primary and standby must be two servers; the TLS files parse, chain
 * to the CA, name their agents and hold matching keys; no password, token or key file is readable
 * by every user. Each check prints one line: {@code ok} or {@code FAIL} with what to do; a setting
 * that works until a rare transaction comes (the standby's {@code max_allowed_packet}, {@link #packets})
 * prints {@code WARN} with what to do, and does not fail the check.
 */
final class OnlineCheck {
    private final List<String> lines = new ArrayList<>();
    private int failures;
    /** Each reached server's {@code max_allowed_packet}, by node name. */
    private final Map<String, Long> maxPackets = new LinkedHashMap<>();

    private OnlineCheck() {
    }

    static int run(QreplConfig c) {
        OnlineCheck k = new OnlineCheck();
        Map<String, String> identities = new LinkedHashMap<>();
        java.util.Set<java.nio.file.Path> passwordFiles = new java.util.LinkedHashSet<>();
        for (NodeConfig n : c.topology().nodes()) {
            if (n.passwordFile() != null && passwordFiles.add(n.passwordFile())) {
                List<String> p = new ArrayList<>();
                TlsFilesCheck.privateFile(n.passwordFile(), "password file", p);
                k.result("password file " + n.passwordFile() + " not readable by everyone", p);
            }
        }
        for (SourceConfig s : c.sources()) {
            k.primary(s, identities);
        }
        for (SinkConfig s : c.sinks()) {
            LinkConfig l = c.linkOfSink(s.name()).orElse(null);
            k.standby(s, l == null ? null : c.source(l.source()).heartbeat().schema(), l == null ? s.name() : l.source(),
                    l != null && l.reverse(), identities);
        }
        for (LinkConfig l : c.links()) {
            String p = identities.get(c.source(l.source()).node().name());
            String s = identities.get(c.sink(l.sink()).node().name());
            if (p != null && s != null) {
                k.result("link " + l.name() + ": primary and standby are two servers", p.equals(s)
                        ? List.of("nodes " + c.source(l.source()).node().name() + " and " + c.sink(l.sink()).node().name()
                        + " are the same server (" + p + "): the standby must be another server; fix nodes[].host/port")
                        : List.of());
            }
            k.result("link " + l.name() + ": TLS and token files", TlsFilesCheck.problems(l.security(), l.source(), l.sink()));
            k.packets(l, c.source(l.source()).node().name(), c.sink(l.sink()).node().name());
        }
        k.lines.forEach(System.out::println);
        System.out.println(k.failures == 0 ? "online checks: all passed" : "online checks: " + k.failures + " failed");
        return k.failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void primary(SourceConfig s, Map<String, String> identities) {
        String what = "source " + s.name() + ": primary " + s.node().name() + " (" + s.node().address() + ")";
        try (Connection c = Jdbc.connect(s.node(), s.connectTimeout(), "primary")) {
            identities.put(s.node().name(), identity(c));
            maxPackets.put(s.node().name(), maxAllowedPacket(c));
            PrimaryPreflight.check(c, s.node());
            result(what + " reachable, binlog settings and grants", List.of());
        } catch (RuntimeException | SQLException e) {
            result(what, List.of(e.getMessage()));
        }
    }

    private void standby(SinkConfig s, String roleSchema, String stream, boolean reverse, Map<String, String> identities) {
        String what = "sink " + s.name() + ": standby " + s.node().name() + " (" + s.node().address() + ")";
        StandbyConnections standby = new StandbyConnections(s.node(), s.connectTimeout());
        try (Connection c = standby.open()) {
            identities.put(s.node().name(), identity(c));
            maxPackets.put(s.node().name(), maxAllowedPacket(c));
            // a dormant link's standby may be the primary now: read_only is required only of an active one, as at the sink's start
            boolean active = roleSchema == null || io.qreplicator.core.role.SourceRoles.latest(c, roleSchema, stream,
                    io.qreplicator.core.role.SourceRoles.Role.initial(stream, reverse)).active();
            StandbyPreflight.check(c, standby, new CheckpointTable(s.metadataSchema(), stream), s.requireReadOnly() && active);
            result(what + " reachable, read_only, the sink's grants", List.of());
        } catch (SQLException e) {
            result(what, List.of(standby.refused(e).getMessage()));
        } catch (RuntimeException e) {
            result(what, List.of(e.getMessage()));
        }
    }

    /**
     * The standby's {@code max_allowed_packet} against the largest row the primary can send: a value
     * as large as the primary's {@code max_allowed_packet} (rows over 64 MiB are not replicated at
     * all) becomes a larger statement on the standby (SQL, escaped binary values, and for a table
     * without a primary key an UPDATE that carries the row twice), and the sink stops at a row its
     * standby cannot take. Four times that row holds any such row, twice holds one in a table with a
     * primary key (docs/install.md). Less is a warning, not a failure: only such a row stops the sink,
     * and it says so then.
     */
    private void packets(LinkConfig l, String primaryNode, String standbyNode) {
        Long primary = maxPackets.get(primaryNode);
        Long standby = maxPackets.get(standbyNode);
        if (primary == null || standby == null) {
            return; // a server not reached: its own line says why
        }
        long row = Math.min(primary, io.qreplicator.core.record.RecordHeader.MAX_RECORD_BYTES);
        String what = "link " + l.name() + ": the standby's max_allowed_packet (" + mib(standby) + ") against the largest row, the"
                + " primary's max_allowed_packet (" + mib(primary) + (primary > row ? "; rows over 64 MiB do not replicate" : "") + ")";
        if (standby >= 4 * row) {
            result(what, List.of());
            return;
        }
        String which = standby >= 2 * row ? "in a table without a primary key" : "in any table";
        warn(what, "a row of one value near " + mib(row) + " " + which + " would stop the sink, which sends it as"
                + " one statement (a native replica is bound by slave_max_allowed_packet instead): on the standby, SET GLOBAL"
                + " max_allowed_packet = " + ((4 * row + (1 << 20) - 1) >> 20) + "M and the same in its configuration"
                + " file (twice the primary's suffices when every replicated table has a primary key; docs/install.md)");
    }

    private static long maxAllowedPacket(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@max_allowed_packet")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** A warning: printed with what to do, not counted as a failure. */
    private void warn(String what, String problem) {
        lines.add("  WARN  " + what);
        lines.add("        " + problem);
    }

    /** What tells two servers apart: the same id, host, port and data directory is the same server. */
    private static String identity(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@server_id, @@hostname, @@port, @@datadir")) {
            rs.next();
            return "server_id " + rs.getString(1) + " on " + rs.getString(2) + ":" + rs.getString(3) + ", datadir " + rs.getString(4);
        }
    }

    private void result(String what, List<String> problems) {
        if (problems.isEmpty()) {
            lines.add("  ok    " + what);
            return;
        }
        failures++;
        lines.add("  FAIL  " + what);
        problems.forEach(p -> lines.add("        " + p));
    }
}
