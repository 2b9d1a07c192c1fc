package io.qreplicator.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of the one-IT-per-concern end-to-end tests ({@code SavepointIT}, {@code GeneratedColumnIT},
 * ...): a real primary and standby with both agents running as processes. A test writes SQL on the
 * primary as an application would and calls {@link #assertReplicated()}: the standby must catch up
 * and then hold exactly the primary's rows in every table, and both agents must still be running.
 * After every test the agents are checked again, so a concern that stops an agent fails its own
 * test, not a later one.
 *
 * <p>The classes share one pair ({@link Shared}): starting two servers and two agent JVMs took about
 * five of each class's six seconds. Before each class the schemas earlier classes left are dropped
 * on the primary (the stream drops them on the standby) and the standby catches up, so every class
 * starts from an empty, equal pair. A new pair replaces it when an agent stopped, when a test of
 * the class before failed (it may have left a server down or a transaction prepared), when the
 * cleaning fails, and before and after a class marked {@link FreshPair} (one whose agents' state
 * outlives its schemas: provisioning and verify runs, counters read since the agent's start).
 */
@ExtendWith(RunningPair.Shared.class)
abstract class RunningPair {
    /** A scratch folder of the class (the pair's own lives as long as the pair). */
    @TempDir
    static Path dir;
    static ReplicationPair pair;
    static AgentProcess sink;
    static AgentProcess source;

    @AfterEach
    void agentsStillRun() throws Exception {
        assertThat(source.isAlive()).as("source agent running; log:\n%s", source.logText()).isTrue();
        assertThat(sink.isAlive()).as("sink agent running; log:\n%s", sink.logText()).isTrue();
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

    /** A class that starts with a pair of its own, new agents with no earlier provisioning or verify run. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @interface FreshPair {
    }

    /** Gets the run's pair ready before each class: started once, cleaned for each class, stopped when JUnit ends. */
    static final class Shared implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            pair(context).ready(context.getRequiredTestClass().isAnnotationPresent(FreshPair.class));
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (context.getExecutionException().isPresent()) {
                pair(context).dirty = true;
            }
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (context.getExecutionException().isPresent() || context.getRequiredTestClass().isAnnotationPresent(FreshPair.class)) {
                pair(context).dirty = true;
            }
        }

        private static Pair pair(ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(RunningPair.class))
                    .getOrComputeIfAbsent(Pair.class, k -> new Pair(), Pair.class);
        }
    }

    /** The pair of the run, closed with JUnit's root context. */
    static final class Pair implements ExtensionContext.Store.CloseableResource {
        private static final List<String> KEPT = List.of("mysql", "information_schema", "performance_schema", "sys", "qreplicator");
        private Path home;
        /** The pair may not be as a class expects it: the next class gets a new one. */
        private boolean dirty;

        void ready(boolean fresh) throws Exception {
            if (!fresh && !dirty && pair != null && source.isAlive() && sink.isAlive()) {
                try {
                    clean();
                    return;
                } catch (Exception | AssertionError e) {
                    System.err.println("RunningPair: the shared pair could not be cleaned (" + e + "); starting a new one");
                }
            }
            close();
            dirty = false;
            home = Files.createTempDirectory("running-pair-");
            pair = new ReplicationPair(home);
            sink = pair.sink();
            source = pair.source();
            pair.awaitSourceAttached(source);
        }

        /**
         * Rolls back XA transactions an earlier class left prepared, then drops every schema it left, on
         * the primary (and so on the standby), then on the standby; a lock held anyway fails it fast.
         */
        private void clean() throws Exception {
            List<String> prepared = new ArrayList<>();
            try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("XA RECOVER")) {
                while (rs.next()) {
                    prepared.add("XA ROLLBACK '" + rs.getString("data").replace("'", "''") + "'");
                }
            }
            if (!prepared.isEmpty()) {
                pair.primary.execute(prepared.toArray(String[]::new));
            }
            for (var server : List.of(pair.primary, pair.standby)) {
                List<String> drops = new ArrayList<>(List.of("SET SESSION lock_wait_timeout = 10"));
                for (String schema : schemas(server)) {
                    drops.add("DROP DATABASE IF EXISTS `" + schema.replace("`", "``") + "`");
                }
                if (drops.size() > 1) {
                    server.execute(drops.toArray(String[]::new));
                }
                if (server == pair.primary) {
                    pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
                }
            }
        }

        private static List<String> schemas(io.qreplicator.core.testing.MariaDbServer server) throws Exception {
            List<String> found = new ArrayList<>();
            try (Connection c = server.rootConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
                while (rs.next()) {
                    if (!KEPT.contains(rs.getString(1).toLowerCase(java.util.Locale.ROOT))) {
                        found.add(rs.getString(1));
                    }
                }
            }
            return found;
        }

        /** Stops the agents (an agent that stopped on its own failed its class already) and the servers, and deletes their files. */
        @Override
        public void close() throws Exception {
            try {
                for (AgentProcess agent : new AgentProcess[] {source, sink}) {
                    if (agent != null) {
                        agent.stop();
                    }
                }
            } finally {
                if (pair != null) {
                    pair.close();
                    pair = null;
                }
                if (home != null) {
                    try (var files = Files.walk(home)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                    home = null;
                }
            }
        }
    }
}
