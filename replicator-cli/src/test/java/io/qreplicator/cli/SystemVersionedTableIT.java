package io.qreplicator.cli;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * System-versioned tables: their history (ROW_START, ROW_END) cannot be replayed exactly by row
 * statements yet, so the sink stops before it changes one, naming the table and what to do, rather
 * than writing a history of its own. The table is created on the standby (DDL), and rows of other
 * tables before it are applied.
 */
class SystemVersionedTableIT {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void theSinkStopsBeforeChangingASystemVersionedTableAndSaysWhy() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE sv", "CREATE TABLE sv.plain (id INT PRIMARY KEY)", "INSERT INTO sv.plain VALUES (1)",
                    "CREATE TABLE sv.t (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING",
                    "INSERT INTO sv.t VALUES (1, 1), (2, 2)", "UPDATE sv.t SET v = v + 10 WHERE id = 1");
            assertThat(sink.waitForExit(60)).as("sink exit code; log:\n%s", sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("sv.t is system-versioned on the standby").contains("filters.exclude");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM sv.plain")).isEqualTo("1");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM sv.t FOR SYSTEM_TIME ALL")).isEqualTo("0");
        }
    }
}
