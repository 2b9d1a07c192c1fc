package io.qreplicator.cli.failover;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.role.SourceRoles;
import io.qreplicator.core.sql.DriverErrors;
import io.qreplicator.source.fencing.PrimaryFence;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Undoing a switchover whose standby has not been made writable: the reverse source told to stand
 * down again (if it was activated) and its server read-only again, the forward source activated
 * again without a start (it ships on from its stand-down row, so whatever the old primary committed
 * meanwhile travels), and the old primary writable.
 *
 * <p>Invariant: the old primary is made writable only once the reverse side is undone and the
 * triggers the pause moved are back on it ({@link TriggerMove}). If that cannot be done, both servers stay read-only (the application cannot write, and says so) rather
 * than risk two writable primaries; the outcome names what is left to do by hand.
 *
 * <p>Its statements run on the write pause's connections ({@link PauseConnections}), which were
 * answering a moment ago: across datacenters a fresh connection costs several round trips, and the
 * application cannot write until this is done. Where one of them is lost, one fresh connection to
 * that server takes over, and a role row whose answer was lost is not written twice.
 */
public final class SwitchoverRollback {
    private static final int DUPLICATE_KEY = 1062; // ER_DUP_ENTRY

    private SwitchoverRollback() {
    }

    /**
     * One server of the pair, as the rollback sees it.
     *
     * @param held   the pause's connection to it
     * @param schema the role table's schema of the source that ships from it
     * @param source that source's name
     */
    public record Side(NodeConfig node, Connection held, String schema, String source) {
    }

    /**
     * What the rollback did, step by step, and what it could not do.
     *
     * @param done   each step done, as a line of the timeline
     * @param failed each step that failed, and what is left read-only because of it; empty when complete
     */
    public record Outcome(List<String> done, List<String> failed) {
        public boolean complete() {
            return failed.isEmpty();
        }
    }

    /**
     * @param oldSide          the old primary, whose source stood down at {@code epoch}
     * @param newSide          the standby, whose (reverse) source was activated at {@code epoch} if {@code reverseActivated}
     * @param reverseActivated whether the reverse source's activation row was written, or may have been
     * @param run              the switchover's run name, on the role rows written here (at {@code epoch + 1})
     * @param triggers         the pause's move of the triggers, undone when it started
     */
    public static Outcome run(Side oldSide, Side newSide, long epoch, boolean reverseActivated, String run,
                              TriggerMove.Moved triggers, Duration connectTimeout) {
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (HeldOrFresh standby = new HeldOrFresh(newSide, connectTimeout);
             HeldOrFresh primary = new HeldOrFresh(oldSide, connectTimeout)) {
            if (reverseActivated) {
                try {
                    standby.writeRole(new SourceRoles.Role(newSide.source(), epoch + 1, false, null, run));
                    done.add(newSide.source() + " stands down again");
                } catch (SQLException e) {
                    failed.add("could not stand " + newSide.source() + " down on " + newSide.node().name() + ": " + e.getMessage());
                }
                try {
                    done.add(standby.run(c -> PrimaryFence.readOnly(c, newSide.node())));
                } catch (SQLException e) {
                    failed.add("could not make " + newSide.node().name() + " read-only again: " + e.getMessage());
                }
            }
            if (failed.isEmpty() && triggers.started()) {
                // on the old primary first: were the standby's dropped first and this failed, neither would hold them
                try {
                    done.add(primary.run(c -> TriggerMove.createAgain(triggers, c)));
                } catch (SQLException e) {
                    failed.add("could not put the triggers back on " + oldSide.node().name() + " (" + e.getMessage() + "); their"
                            + " definitions are in this run's record (\"triggers\") and in the standby's primary_triggers table:"
                            + " create those missing there with sql_log_bin=0 (docs/failover.md, \"An interrupted switchover\")");
                }
                if (failed.isEmpty()) {
                    try {
                        done.add(standby.run(c -> TriggerMove.dropAgain(triggers, c)));
                    } catch (SQLException e) {
                        failed.add("could not drop the moved triggers on " + newSide.node().name() + " again (" + e.getMessage()
                                + "): drop them there with sql_log_bin=0 before its sink runs (docs/failover.md, \"An"
                                + " interrupted switchover\")");
                    }
                }
            }
            if (failed.isEmpty()) {
                try {
                    primary.writeRole(new SourceRoles.Role(oldSide.source(), epoch + 1, true, null, run));
                    done.add(oldSide.source() + " ships again from its stand-down row");
                } catch (SQLException e) {
                    failed.add("could not activate " + oldSide.source() + " again on " + oldSide.node().name() + ": "
                            + e.getMessage());
                }
            }
            if (failed.isEmpty()) {
                try {
                    done.add(primary.run(c -> PrimaryFence.lift(c, oldSide.node())));
                } catch (SQLException e) {
                    failed.add("could not make " + oldSide.node().name() + " writable again: " + e.getMessage());
                }
            } else {
                // the reverse direction may still be active, or the standby writable: two writable primaries are worse
                failed.add(oldSide.node().name() + " is left read-only until that is done");
            }
        }
        return new Outcome(done, failed);
    }

    private interface Step {
        String run(Connection c) throws SQLException;
    }

    /**
     * The rollback's way to one server: the pause's connection while it answers, then one fresh
     * connection for the rest (opened when a statement finds the held one lost, and run again there).
     */
    private static final class HeldOrFresh implements AutoCloseable {
        private final Side side;
        private final Duration connectTimeout;
        private Connection fresh;

        HeldOrFresh(Side side, Duration connectTimeout) {
            this.side = side;
            this.connectTimeout = connectTimeout;
        }

        String run(Step step) throws SQLException {
            if (fresh == null) {
                try {
                    return step.run(side.held());
                } catch (SQLException e) {
                    if (!DriverErrors.isConnectionFailure(e)) {
                        throw e;
                    }
                }
                fresh = PrimaryFence.connect(side.node(), connectTimeout);
            }
            return step.run(fresh);
        }

        /**
         * A role row, written once: run again on a fresh connection, it is written only if the held
         * connection's write (whose answer was lost) is not there, and a duplicate key from one that
         * was still running meanwhile means it is.
         */
        void writeRole(SourceRoles.Role r) throws SQLException {
            run(c -> {
                if (c == side.held()) {
                    SourceRoles.write(c, side.schema(), r);
                } else if (!SourceRoles.holds(c, side.schema(), r.source(), r.epoch())) {
                    try {
                        SourceRoles.write(c, side.schema(), r);
                    } catch (SQLException e) {
                        if (e.getErrorCode() != DUPLICATE_KEY) {
                            throw e;
                        }
                    }
                }
                return "";
            });
        }

        @Override
        public void close() {
            PauseConnections.closeQuietly(fresh);
        }
    }
}
