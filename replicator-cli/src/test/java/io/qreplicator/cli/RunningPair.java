package io.qreplicator.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of the one-IT-per-concern end-to-end tests ({@code SavepointIT}, {@code GeneratedColumnIT},
 * ...): a real primary and standby with both agents running as processes, started once per class.
 * A test writes SQL on the primary as an application would and calls {@link #assertReplicated()}:
 * the standby must catch up and then hold exactly the primary's rows in every table, and both agents
 * must still be running. After every test the agents are checked again, so a concern that stops an
 * agent fails its own test, not a later one.
 */
abstract class RunningPair {
    @TempDir
    static Path dir;
    static ReplicationPair pair;
    static AgentProcess sink;
    static AgentProcess source;

    @BeforeAll
    static void startPair() throws Exception {
        pair = new ReplicationPair(Files.createTempDirectory(dir, "pair-"));
        sink = pair.sink();
        source = pair.source();
        pair.awaitSourceAttached(source);
    }

    @AfterEach
    void agentsStillRun() throws Exception {
        assertThat(source.isAlive()).as("source agent running; log:\n%s", source.logText()).isTrue();
        assertThat(sink.isAlive()).as("sink agent running; log:\n%s", sink.logText()).isTrue();
    }

    @AfterAll
    static void stopPair() throws Exception {
        pair.stopAgentsAndClose(source, sink);
    }

    /** Runs statements on the primary, one after the other on one connection (a session, as an application's). */
    static void onPrimary(String... sql) throws Exception {
        pair.primary.execute(sql);
    }

    /** The standby catches up with the primary and then every table holds the same rows on both. */
    static void assertReplicated() throws Exception {
        pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
        pair.assertSameData();
    }
}
