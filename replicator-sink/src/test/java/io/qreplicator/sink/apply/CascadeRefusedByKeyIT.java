package io.qreplicator.sink.apply;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.sink.standby.StandbyConnections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cascading deletes applied with foreign key checks on ({@link ForeignKeyCascades#applyChecked}) where
 * a foreign key refuses one of them, as it does while a table it joins is being provisioned: the refused
 * row runs again without the checks, the rows around it keep their cascades, and the call says that
 * not every cascade ran. Also after the transaction wrote an Aria table, whose engine refuses the
 * savepoint an undo would need (1178): that stopped the sink before.
 */
class CascadeRefusedByKeyIT {
    private static final ColumnDef ID = new ColumnDef("id", ColumnType.LONG, 0, false);
    private static final String TABLE = "`fk`.`parent`";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE `id` = ?";

    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    /** Parents 1-3, a cascading child row of each, and a row of another table that holds parent 2 (no action). */
    @BeforeEach
    void tables() throws Exception {
        standby.execute("DROP DATABASE IF EXISTS fk", "CREATE DATABASE fk",
                "CREATE TABLE fk.parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE fk.child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES fk.parent (id) ON DELETE CASCADE)"
                        + " ENGINE=InnoDB",
                "CREATE TABLE fk.keeper (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES fk.parent (id)) ENGINE=InnoDB",
                "CREATE TABLE fk.log (id INT PRIMARY KEY) ENGINE=Aria",
                "INSERT INTO fk.parent VALUES (1), (2), (3)", "INSERT INTO fk.child VALUES (10, 1), (20, 2), (30, 3)",
                "INSERT INTO fk.keeper VALUES (200, 2)");
    }

    /**
     * @param merged as the sink queues deletes by an integer key: mergeable into one DELETE of the three
     *               rows, which the key refuses whole, so the round trip is undone to the pipeline's savepoint
     *               and its rows run one at a time (where Aria refuses that savepoint, one at a time at once)
     */
    @ParameterizedTest(name = "after an Aria write: {0}, mergeable: {1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void aRefusedRowRunsWithoutTheChecksAndTheOthersKeepTheirCascades(boolean ariaFirst, boolean merged, @TempDir Path dir)
            throws Exception {
        StatementPipeline pipeline = pipeline(dir);
        boolean allChecked;
        try (Connection c = connect()) {
            if (ariaFirst) {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO fk.log VALUES (1)");
                    assertThatThrownBy(() -> st.execute("SAVEPOINT premise")).as("the premise: Aria refuses a savepoint")
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1178));
                }
            }
            long undoneBefore = PipelineTesting.sessionStatus(c, "Com_rollback_to_savepoint");
            allChecked = ForeignKeyCascades.applyChecked(c, pipeline, () -> deleteParents(c, pipeline, merged), true);
            // the premise of each path: the round trip was undone to the pipeline's savepoint and replayed row by row,
            // or (after the Aria write) there was no savepoint to undo to
            assertThat(PipelineTesting.sessionStatus(c, "Com_rollback_to_savepoint") - undoneBefore).isEqualTo(ariaFirst ? 0 : 1);
            assertThat(foreignKeyChecks(c)).as("the session's checks are off again").isZero();
            c.commit();
        }
        assertThat(allChecked).as("parent 2 ran without the checks: its cascade did not run").isFalse();
        assertThat(standby.queryRows("SELECT id FROM fk.parent")).isEmpty();
        assertThat(standby.queryRows("SELECT id FROM fk.child")).as("the cascades of parents 1 and 3 ran")
                .containsExactly(List.of("20"));
        assertThat(standby.queryOne("SELECT COUNT(*) FROM fk.keeper")).isEqualTo("1");
        assertThat(standby.queryOne("SELECT COUNT(*) FROM fk.log")).isEqualTo(ariaFirst ? "1" : "0");
    }

    @Test
    void withoutProvisioningARefusalFailsTheApply(@TempDir Path dir) throws Exception {
        StatementPipeline pipeline = pipeline(dir);
        try (Connection c = connect()) {
            assertThatThrownBy(() -> ForeignKeyCascades.applyChecked(c, pipeline, () -> deleteParents(c, pipeline, true), false))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1451));
            assertThat(foreignKeyChecks(c)).as("the session's checks are off again").isZero();
            c.rollback();
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM fk.parent")).isEqualTo("3");
    }

    private static void deleteParents(Connection c, StatementPipeline pipeline, boolean merged) throws SQLException {
        for (long id = 1; id <= 3; id++) {
            List<Object> key = List.of(id);
            Coalescing merge = merged ? new Coalescing('D', "D|" + TABLE, TABLE, Coalescing.rowKeys(TABLE, key, 1), List.of("`id`"),
                    List.of(ID), key, List.of(), List.of(), List.of(), "", "", 0, List.of(), List.of()) : null;
            pipeline.add(c, DELETE, List.of(ID), key, PipelineTesting.oneRow("DELETE " + TABLE), null, TABLE, merge);
        }
    }

    private static StatementPipeline pipeline(Path dir) {
        return new StatementPipeline(200, 20_000, c -> 0, DivergencePolicy.STOP, new DivergenceAudit(dir.resolve("audit.log")));
    }

    /** A connection as the applier's: autocommit off, foreign key checks off. */
    private static Connection connect() throws SQLException {
        Connection c = new StandbyConnections(new NodeConfig("standby", "dc2", standby.host(), standby.port(), "root",
                Path.of("pw"), "", NodeConfig.Flavor.MARIADB), Duration.ofSeconds(5)).open();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION foreign_key_checks = 0");
        }
        return c;
    }

    private static long foreignKeyChecks(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT @@session.foreign_key_checks")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
