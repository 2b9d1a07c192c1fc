package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.sink.standby.StandbyConnections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statements that fit the standby's packet one by one, but not once merged into one statement over
 * many rows (a merged UPDATE names each row's key once per column it sets, and once more in its
 * {@code IN} list), are sent one at a time: the merged round trip, which would be refused, is never
 * sent. Seen on the standby: no pipeline savepoint was set (the merged round trip begins with one),
 * and every row holds its new value.
 */
class PipelinePacketBudgetIT {
    private static final ColumnDef ID = new ColumnDef("id", ColumnType.LONG, 0, false);
    private static final ColumnDef V = new ColumnDef("v", ColumnType.LONG, 0, false);
    private static final String TABLE = "`pb`.`t`";
    private static final String UPDATE = "UPDATE " + TABLE + " SET `v` = ? WHERE `id` = ?";
    private static final int ROWS = 10;
    private static final String SAVEPOINT = "SAVEPOINT qrepl_pipeline";

    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.execute("CREATE DATABASE pb", "CREATE TABLE pb.t (id INT PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO pb.t SELECT seq, 0 FROM pb.seq_1_to_" + ROWS);
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    @Test
    void statementsThatFitAloneButNotMergedAreSentOneAtATime(@TempDir Path dir) throws Exception {
        List<StatementPipeline.Pending> updates = new ArrayList<>();
        StringBuilder unmergedSql = new StringBuilder(SAVEPOINT);
        List<Object> unmergedValues = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            updates.add(new StatementPipeline.Pending(UPDATE, List.of(V, ID), List.of(id * 10, id), null, null, TABLE,
                    coalescing(id)));
            unmergedSql.append(";\n").append(UPDATE);
            unmergedValues.addAll(List.of(id * 10, id));
        }
        // the round trip as it would be unmerged, and as it is merged
        long unmerged = StatementPipeline.sizeOf(unmergedSql.toString(), unmergedValues);
        StatementGroups.Rendered merged = StatementGroups.render(StatementGroups.of(updates).get(0));
        assertThat(StatementPipeline.sizeOf(SAVEPOINT + ";\n" + merged.sql(), merged.values()))
                .as("the premise: merged, the round trip outgrows what it is unmerged").isGreaterThan(unmerged);

        // a packet whose budget (the packet less 4 KiB) holds the unmerged round trip exactly, not the merged one
        StatementPipeline pipeline = new StatementPipeline(200, 20_000, c -> unmerged + 4096, DivergencePolicy.STOP,
                new DivergenceAudit(dir.resolve("audit.log")));
        try (Connection c = new StandbyConnections(new NodeConfig("standby", "dc2", standby.host(), standby.port(), "root",
                Path.of("pw"), "", NodeConfig.Flavor.MARIADB), Duration.ofSeconds(5)).open()) { // as the applier's
            c.setAutoCommit(false);
            long savepointsBefore = PipelineTesting.sessionStatus(c, "Com_savepoint");
            for (StatementPipeline.Pending p : updates) {
                pipeline.add(c, p.sql(), p.columns(), p.values(), PipelineTesting.oneRow("UPDATE " + TABLE), null, TABLE, p.coalescing());
            }
            pipeline.flush(c);
            assertThat(PipelineTesting.sessionStatus(c, "Com_savepoint")).as("a merged round trip sets the pipeline's savepoint first").isEqualTo(savepointsBefore);
            c.commit();
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM pb.t WHERE v = id * 10")).isEqualTo(Integer.toString(ROWS));
    }

    private static Coalescing coalescing(long id) {
        List<Object> key = List.of(id);
        return new Coalescing('U', "U|" + TABLE, TABLE, Coalescing.rowKeys(TABLE, key, 1), List.of("`id`"), List.of(ID), key,
                List.of("`v`"), List.of(V), List.of(id * 10), "", "", 0, List.of(), List.of());
    }
}
