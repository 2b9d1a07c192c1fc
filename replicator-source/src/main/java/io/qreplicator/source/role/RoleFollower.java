package io.qreplicator.source.role;

import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.role.SourceRoles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The source's replication, as the agent's runner sees it: while active it watches the binlog
 * stream (a failure of the stream is its failure, and stops the agent) and the {@link StandDownGate};
 * once the gate has closed on this source's stand-down row it stops the stream and is dormant, and
 * while dormant it reads the role table on its own primary until a newer activation names it.
 */
public final class RoleFollower extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(RoleFollower.class);

    /** What the follower asks of the agent. */
    public interface Shipping {
        /** Spools an empty transaction at {@code start}: the stream resumes there. Only while no stream runs. */
        void jumpTo(SourcePosition start) throws Exception;

        /** Starts a new binlog stream from the spool's last position. */
        void startStream() throws Exception;

        /** Stops the binlog stream and waits until it has; throws when it does not stop (the agent must not go on). */
        void stopStream() throws InterruptedException;

        /** The current stream's failure, null while it runs or when there is none. */
        Throwable streamFailure();
    }

    /** Reads this source's newest role change on its primary. */
    public interface RoleReader {
        SourceRoles.Role read() throws SQLException;
    }

    private final String source;
    private final Shipping shipping;
    private final RoleReader reader;
    private final StandDownGate gate;
    private final Path dataDir;
    private final long pollMillis;
    private volatile boolean active;
    private volatile long epoch;
    private volatile long activeSinceMillis;
    private volatile String roleError = "";
    private long lastErrorLog;

    /**
     * @param active whether the stream runs at start
     * @param epoch  the role change the source stands at
     */
    public RoleFollower(String source, Shipping shipping, RoleReader reader, StandDownGate gate, Path dataDir, boolean active,
                        long epoch, long pollMillis) {
        super("role-" + source);
        this.source = source;
        this.shipping = shipping;
        this.reader = reader;
        this.gate = gate;
        this.dataDir = dataDir;
        this.active = active;
        this.epoch = epoch;
        this.activeSinceMillis = active ? System.currentTimeMillis() : 0;
        this.pollMillis = pollMillis;
    }

    @Override
    protected void runOnce() throws Exception {
        if (active) {
            Throwable f = shipping.streamFailure();
            if (f != null) {
                throw new StreamStoppedException(f);
            }
            long stood = gate.stoodDown();
            if (stood >= 0) {
                shipping.stopStream(); // the gate remembered the stand-down before it spooled the row
                epoch = stood;
                active = false;
                activeSinceMillis = 0;
                log.info("source {} stood down at its role change {}: the other direction replicates now; nothing read after"
                        + " it is shipped. Dormant until a switchover activates it again", source, stood);
            }
            pause(100);
            return;
        }
        SourceRoles.Role r;
        try {
            r = reader.read();
            roleError = "";
        } catch (SQLException e) {
            roleError = e.getMessage();
            if (System.currentTimeMillis() - lastErrorLog > 60_000) {
                lastErrorLog = System.currentTimeMillis();
                log.warn("dormant source {} cannot read its role on its primary ({}); trying again", source, e.getMessage());
            }
            pause(Math.max(pollMillis, 1000));
            return;
        }
        if (r.active() && r.epoch() > epoch) {
            gate.reopen(r.epoch());
            if (r.start() != null) {
                shipping.jumpTo(r.start());
            }
            // remembered before anything is read from there: a restart must not spool the start again after rows past it
            new RoleMemory(r.epoch(), true).write(dataDir);
            shipping.startStream();
            epoch = r.epoch();
            active = true;
            activeSinceMillis = System.currentTimeMillis();
            log.info("source {} activated by role change {} ({}): shipping again {}", source, r.epoch(), r.run(),
                    r.start() == null ? "from where it stood down" : "from " + r.start());
            return;
        }
        pause(pollMillis);
    }

    public boolean active() {
        return active;
    }

    /** When the source last became active, 0 while it is dormant (its lease counts from then). */
    public long activeSinceMillis() {
        return activeSinceMillis;
    }

    public long epoch() {
        return epoch;
    }

    public String roleError() {
        return roleError;
    }

    /** The binlog stream stopped for good; its message is the agent's. */
    public static final class StreamStoppedException extends Exception {
        StreamStoppedException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
