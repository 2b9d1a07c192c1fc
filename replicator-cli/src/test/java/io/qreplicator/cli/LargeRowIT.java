package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows as large as the primary's {@code max_allowed_packet} allows, through agents with the packaged
 * 256 MiB heap. Two rows that each fit the standby's {@code max_allowed_packet} (16 MiB, MariaDB's
 * default) but not together are sent in round trips of their own: together the standby dropped the
 * connection and the sink sent them again for ever. A 20 MiB row (more than the spool's memory-mapped
 * blocks hold, kept in a file of its own) replicates once the standby allows it; before, the standby
 * refuses it and the sink stops, naming {@code max_allowed_packet}, instead of reconnecting for ever. A
 * statement event too large for the standby stops it the same way, its message holding only the statement's start.
 */
class LargeRowIT {
    @Test
    void rowsUpToThePrimarysPacketReplicateAndOneTheStandbyRefusesStopsTheSinkSayingWhy(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c, "--max-allowed-packet=64M")) {
            AgentProcess source = pair.source();
            AgentProcess sink = pair.sink();
            try {
                pair.awaitSourceAttached(source);
                pair.primary.execute("CREATE DATABASE lr", "CREATE TABLE lr.t (id INT PRIMARY KEY, b LONGBLOB)",
                        // each under 16 MiB, both in one part of the transaction (the first is under chunk-bytes)
                        "BEGIN", "INSERT INTO lr.t VALUES (1, REPEAT('x', 7 * 1024 * 1024 + 512 * 1024))",
                        "INSERT INTO lr.t VALUES (2, RANDOM_BYTES(1024))",
                        "UPDATE lr.t SET b = REPEAT('y', 12 * 1024 * 1024) WHERE id = 2", "COMMIT");
                pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
                pair.assertSameData();

                // 20 MiB: more than the standby's 16 MiB allows
                pair.primary.execute("INSERT INTO lr.t VALUES (3, REPEAT('z', 20 * 1024 * 1024))");
                assertThat(sink.waitForExit(60)).as("sink exit code; log:\n%s", sink.logText()).isEqualTo(1);
                assertThat(sink.logText()).contains("larger than the standby's max_allowed_packet")
                        .contains("SET GLOBAL max_allowed_packet");
                assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM lr.t")).isEqualTo("2");
                try (Stream<Path> large = Files.list(dir.resolve("source/spool/large"))) {
                    assertThat(large.count()).as("records kept in files of their own").isGreaterThanOrEqualTo(1);
                }

                pair.standby.execute("SET GLOBAL max_allowed_packet = 64 * 1024 * 1024");
                sink = pair.sink();
                pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
                pair.assertSameData();
                assertThat(source.isAlive()).as("source; log:\n%s", source.logText()).isTrue();

                // a statement event the standby refuses (a routine whose body holds 2 MiB) stops the sink the same way,
                // its message holding the advice and the start of the statement, not all of it
                sink.close();
                pair.standby.execute("SET GLOBAL max_allowed_packet = 1024 * 1024");
                sink = pair.sink();
                pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
                int before = sink.logText().length(); // the sink's log holds the row's stop above too
                pair.primary.execute("CREATE PROCEDURE lr.p() SELECT '" + "p".repeat(2 * 1024 * 1024) + "' AS v");
                assertThat(sink.waitForExit(60)).as("sink exit code; log:\n%s", sink.logText()).isEqualTo(1);
                assertThat(sink.logText().substring(before)).contains("larger than the standby's max_allowed_packet")
                        .contains("statement: CREATE").contains("(the first 2000 of ").doesNotContain("p".repeat(4000))
                        .doesNotContain("run the statement by hand");
                pair.standby.execute("SET GLOBAL max_allowed_packet = 64 * 1024 * 1024");
                sink = pair.sink();
                pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
                String body = "SELECT LENGTH(body) FROM mysql.proc WHERE db = 'lr' AND name = 'p'";
                assertThat(pair.standby.queryOne(body)).isEqualTo(pair.primary.queryOne(body));
            } finally {
                sink.close();
                source.close();
            }
        }
    }

    /**
     * A row larger than the source's heap can read (mysql-test's main/long_unique_big: three 60 MB
     * values): the binlog library reads its event whole and runs out of heap inside its own read. The
     * source stopped with a bare "Java heap space"; it now names the position it read after and the
     * ways out.
     */
    @Test
    void aRowLargerThanTheSourcesHeapStopsItSayingWhereAndWhy(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c, "--max-allowed-packet=256M");
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE lh", "CREATE TABLE lh.t (id INT PRIMARY KEY, a LONGBLOB, b LONGBLOB, c LONGBLOB)",
                    "INSERT INTO lh.t VALUES (1, REPEAT('a', 60000000), REPEAT('b', 60000000), REPEAT('c', 60000000))");
            assertThat(source.waitForExit(120)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            assertThat(source.logText()).contains("ran out of heap").contains("while reading the binlog after")
                    .contains("a row over 64 MiB cannot be replicated").contains("mariadb-binlog --start-position=");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'lh'"))
                    .as("nothing past the position was applied").isEqualTo("1");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM lh.t")).isEqualTo("0");
        }
    }
}
