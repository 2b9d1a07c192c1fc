package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

/** A running primary, standby and both agents, as the corpus runner needs them; closing stops all four. */
public interface PairUnderTest extends AutoCloseable {
    MariaDbServer primary();

    MariaDbServer standby();

    /** True when the standby has applied at least this GTID position of the primary (in every domain). */
    boolean standbyReached(String primaryGtidPosition) throws Exception;

    /** Null while both agents run; else which stopped, its exit code and the end of its log. */
    String stoppedAgent() throws Exception;

    /** The ERROR and WARN lines at the end of both agents' logs (what a stuck agent says), shortened. */
    String agentComplaints() throws Exception;

    /** Starts a fresh pair (new servers, new agents). */
    interface Factory {
        PairUnderTest start() throws Exception;
    }
}
