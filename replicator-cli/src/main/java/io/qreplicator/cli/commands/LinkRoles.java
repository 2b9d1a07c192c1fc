package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.role.SourceRoles;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.fencing.PrimaryFence;
import io.qreplicator.transport.LinkConfig;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Whether a link replicates now, for the commands: its source's newest role change, read on the
 * source's own server (where switchover writes it) or, when that one does not answer, on the
 * standby's copy ({@link SourceRoles}).
 */
final class LinkRoles {
    private static final Duration CONNECT = Duration.ofSeconds(3);

    /** A role and the server it was read on. */
    record Read(SourceRoles.Role role, String node) {
    }

    private LinkRoles() {
    }

    /** Null when neither server answers. */
    static Read read(QreplConfig c, LinkConfig l, boolean standbyFirst) {
        SourceConfig src = c.source(l.source());
        NodeConfig primary = src.node();
        NodeConfig standby = c.sink(l.sink()).node();
        SourceRoles.Role initial = SourceRoles.Role.initial(src.name(), l.reverse());
        for (NodeConfig n : standbyFirst ? List.of(standby, primary) : List.of(primary, standby)) {
            try (Connection conn = PrimaryFence.connect(n, CONNECT)) {
                return new Read(SourceRoles.latest(conn, src.heartbeat().schema(), src.name(), initial), n.name());
            } catch (SQLException e) {
                // the other one, then
            }
        }
        return null;
    }

    /** Whether the link replicates; when neither server answers, what it would without any switchover. */
    static boolean active(QreplConfig c, LinkConfig l) {
        Read r = read(c, l, false);
        return r == null ? !l.reverse() : r.role().active();
    }

    /** The links a command acts on: the one named, refused when dormant, or every link that replicates. */
    static List<LinkConfig> replicating(QreplConfig c, String name, String command) {
        if (name == null) {
            return c.links().stream().filter(l -> active(c, l)).toList();
        }
        LinkConfig l = c.links().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link named '" + name + "' in " + c.file()));
        if (!active(c, l)) {
            throw new IllegalArgumentException("link '" + name + "' is dormant: the other direction"
                    + c.reverseOf(l).map(r -> " ('" + r.name() + "')").orElse("") + " replicates now; run qrepl " + command
                    + " on that one");
        }
        return List.of(l);
    }

    /**
     * Waits until {@code node} holds the role row {@code (source, epoch)}: it has applied everything
     * before it. False at {@code deadlineNanos}; a connection lost meanwhile is opened again.
     */
    static boolean awaitRow(NodeConfig node, String schema, String source, long epoch, long deadlineNanos)
            throws InterruptedException {
        while (true) {
            try (Connection c = PrimaryFence.connect(node, CONNECT)) {
                return awaitRow(c, schema, source, epoch, deadlineNanos);
            } catch (SQLException e) {
                if (System.nanoTime() > deadlineNanos) {
                    return false;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * The same on a connection the caller holds (switchover's write pause, where opening one costs
     * several round trips): one statement per look. A lost connection is the caller's failure.
     */
    static boolean awaitRow(Connection c, String schema, String source, long epoch, long deadlineNanos)
            throws SQLException, InterruptedException {
        while (!SourceRoles.holds(c, schema, source, epoch)) {
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
