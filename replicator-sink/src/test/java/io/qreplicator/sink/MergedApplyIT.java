package io.qreplicator.sink;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.sink.apply.ApplyConfig;
import io.qreplicator.sink.apply.CommitOrderMode;
import io.qreplicator.sink.apply.DivergenceAudit;
import io.qreplicator.sink.apply.DivergencePolicy;
import io.qreplicator.sink.apply.MergeLimits;
import io.qreplicator.sink.standby.SinkRefusedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A backlog is applied in merged standby transactions, with DDL as a barrier; and when a merged
 * group fails part-way, none of it stays: the standby's rows always match its checkpoint.
 */
class MergedApplyIT {
    static MariaDbServer standby;

    /** Standby connections applying; {@link ParallelMergedApplyIT} runs every case again with several. */
    protected int workers() {
        return 1;
    }

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.createAgentUser("qrepl");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    private SinkConfig config(Path dir, MergeLimits merge) {
        return config(dir, merge, DivergencePolicy.STOP);
    }

    private SinkConfig config(Path dir, MergeLimits merge, DivergencePolicy policy) {
        return SinkTesting.config(standby, dir, SinkTesting.schemaFor(dir), new ApplyConfig(merge, policy, Duration.ofSeconds(10), workers()));
    }

    @Test
    void aBacklogIsAppliedInMergedTransactionsWithDdlAsABarrier(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, new MergeLimits(50, 4L << 20, Duration.ofSeconds(5)));
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (long s = 3; s <= 1002; s++) {
                spool.append(Records.record(s));
            }
            spool.append(RecordCodec.encode(Records.ddl(1003, "ALTER TABLE items ADD COLUMN note INT")));
            for (long s = 1004; s <= 1503; s++) {
                spool.append(Records.record(s));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 1503);
            assertThat(agent.failure()).isNull();
            long commits = Long.parseLong(String.valueOf(agent.status().get("sink.commits")));
            long transactions = Long.parseLong(String.valueOf(agent.status().get("sink.transactions")));
            assertThat(transactions).isEqualTo(1503);
            int group = 50 / workers(); // several workers share what one standby transaction may hold
            assertThat(commits).as("about 1500 row transactions in groups of " + group + ", plus 3 statements")
                    .isBetween(1500L / group, 2 * 1500L / group + 3);
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).isEqualTo("1500");
        assertThat(standby.queryOne("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'shop'"
                + " AND table_name = 'items' AND column_name = 'note'")).isEqualTo("1");
        assertThat(standby.queryOne("SELECT seq FROM " + cfg.metadataSchema() + ".checkpoint")).isEqualTo("1503");
    }

    @Test
    void aMergedGroupThatFailsPartWayLeavesNothingBehind(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, new MergeLimits(1000, 64L << 20, Duration.ofSeconds(30)));
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (long s = 3; s <= 302; s++) {
                spool.append(Records.record(s));
            }
            // a transaction that collides with a row applied earlier in the same merged group
            spool.append(RecordCodec.encode(Records.insert(303, 100, "duplicate of id 100")));
            for (long s = 304; s <= 310; s++) {
                spool.append(Records.record(s));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null);
            assertThat(agent.failure()).hasMessageContaining("collides").hasMessageContaining("0-1-303");
        }
        long checkpoint = Long.parseLong(standby.queryOne("SELECT seq FROM " + cfg.metadataSchema() + ".checkpoint"));
        long rows = Long.parseLong(standby.queryOne("SELECT COUNT(*) FROM shop.items"));
        assertThat(checkpoint).isLessThan(303);
        assertThat(rows).as("exactly the row transactions up to the checkpoint, no more").isEqualTo(checkpoint - 2);
    }

    @Test
    void aRowMissingOnTheStandbyStopsTheApplierNamingTableKeyAndTransaction(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        java.util.BitSet key = new java.util.BitSet();
        key.set(0);
        java.util.BitSet name = new java.util.BitSet();
        name.set(1);
        io.qreplicator.core.model.Transaction missing = new io.qreplicator.core.model.Transaction(53,
                new io.qreplicator.core.position.SourcePosition("0-1-53", "0-1-53", "mysql-bin.000001", 153), 0, 1, 100,
                java.util.List.of(new io.qreplicator.core.model.RowChange(io.qreplicator.core.model.RowChange.Kind.UPDATE,
                        Records.ITEMS, java.util.List.of(new io.qreplicator.core.model.RowChange.Row(
                        new io.qreplicator.core.model.RowImage(key, new Object[]{1000L, null}),
                        new io.qreplicator.core.model.RowImage(name, new Object[]{null, "x".getBytes()}))))));
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (long s = 3; s <= 52; s++) {
                spool.append(Records.record(s));
            }
            spool.append(RecordCodec.encode(missing));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null);
            assertThat(agent.failure()).hasMessageContaining("UPDATE of shop.items (id=1000)")
                    .hasMessageContaining("0-1-53").hasMessageContaining("matched 0 rows");
        }
        long checkpoint = Long.parseLong(standby.queryOne("SELECT seq FROM " + cfg.metadataSchema() + ".checkpoint"));
        assertThat(Long.parseLong(standby.queryOne("SELECT COUNT(*) FROM shop.items"))).isEqualTo(checkpoint - 2);
    }

    private static io.qreplicator.core.model.Transaction change(long seq, io.qreplicator.core.model.RowChange.Kind kind,
                                                                io.qreplicator.core.model.RowImage before,
                                                                io.qreplicator.core.model.RowImage after) {
        return new io.qreplicator.core.model.Transaction(seq, new io.qreplicator.core.position.SourcePosition("0-1-" + seq,
                "0-1-" + seq, "mysql-bin.000001", 100 + seq), 0, 1, 100, java.util.List.of(new io.qreplicator.core.model.RowChange(
                kind, Records.ITEMS, java.util.List.of(new io.qreplicator.core.model.RowChange.Row(before, after)))));
    }

    private static io.qreplicator.core.model.RowImage image(Long id, String name) {
        java.util.BitSet present = new java.util.BitSet();
        if (id != null) {
            present.set(0);
        }
        if (name != null) {
            present.set(1);
        }
        return new io.qreplicator.core.model.RowImage(present, new Object[]{id, name == null ? null : name.getBytes()});
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = DivergencePolicy.class, names = {"SKIP", "OVERWRITE"})
    void divergencesAreSkippedOrOverwrittenAsConfiguredAndAudited(DivergencePolicy policy, @TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS, policy);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (long s = 3; s <= 22; s++) {
                spool.append(RecordCodec.encode(Records.insert(s, s - 2, "item-" + (s - 2))));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.appliedSeq() == 22);
        }
        // someone writes to the standby behind the sink's back
        standby.execute("DELETE FROM shop.items WHERE id IN (5, 7)", "INSERT INTO shop.items VALUES (100, 'standby-only')");
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(change(23, io.qreplicator.core.model.RowChange.Kind.UPDATE, image(5L, null),
                    image(null, "primary-5")))); // a minimal image: key before, changed column after
            spool.append(RecordCodec.encode(Records.insert(24, 100, "primary-100")));
            spool.append(RecordCodec.encode(change(25, io.qreplicator.core.model.RowChange.Kind.DELETE, image(7L, null), null)));
            spool.append(RecordCodec.encode(Records.insert(26, 200, "fine")));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.appliedSeq() == 26 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items WHERE id IN (5, 7)")).isEqualTo("0");
        assertThat(standby.queryOne("SELECT name FROM shop.items WHERE id = 100"))
                .isEqualTo(policy == DivergencePolicy.OVERWRITE ? "primary-100" : "standby-only");
        assertThat(standby.queryOne("SELECT name FROM shop.items WHERE id = 200")).isEqualTo("fine");
        java.util.List<String> audit = java.nio.file.Files.readAllLines(dir.resolve(DivergenceAudit.FILE));
        assertThat(audit).hasSize(3);
        assertThat(audit.get(0)).contains("skipped").contains("UPDATE shop.items").contains("0-1-23").contains("id=5")
                .contains("name='primary-5'");
        assertThat(audit.get(1)).contains(policy == DivergencePolicy.OVERWRITE ? "overwritten" : "skipped")
                .contains("INSERT shop.items").contains("0-1-24").contains("name='primary-100'");
        assertThat(audit.get(2)).contains(policy == DivergencePolicy.OVERWRITE ? "overwritten" : "skipped")
                .contains("DELETE shop.items").contains("id=7");
    }

    @Test
    void aParentsDeleteRunsItsForeignKeyCascadeOnTheStandbyExactlyWhereThePrimaryRanIt(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        io.qreplicator.core.model.TableDef lines = new io.qreplicator.core.model.TableDef("shop", "order_lines", java.util.List.of(
                new io.qreplicator.core.model.ColumnDef("id", io.qreplicator.core.model.ColumnType.LONG, 0, false),
                new io.qreplicator.core.model.ColumnDef("item", io.qreplicator.core.model.ColumnType.LONG, 0, false)), new int[]{0});
        java.util.function.BiFunction<Long, Long, io.qreplicator.core.model.RowImage> line = (id, item) -> {
            java.util.BitSet all = new java.util.BitSet();
            all.set(0, 2);
            return new io.qreplicator.core.model.RowImage(all, new Object[]{id, item});
        };
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            spool.append(RecordCodec.encode(Records.ddl(3, "CREATE TABLE order_lines (id INT PRIMARY KEY, item INT,"
                    + " CONSTRAINT fk_item FOREIGN KEY (item) REFERENCES items (id) ON DELETE CASCADE)")));
            for (long item = 1; item <= 3; item++) {
                spool.append(RecordCodec.encode(Records.insert(3 + item, item, "item-" + item)));
            }
            spool.append(RecordCodec.encode(new io.qreplicator.core.model.Transaction(7, position(7), 0, 1, 100, java.util.List.of(
                    new io.qreplicator.core.model.RowChange(io.qreplicator.core.model.RowChange.Kind.INSERT, lines, java.util.List.of(
                            new io.qreplicator.core.model.RowChange.Row(null, line.apply(10L, 1L)),
                            new io.qreplicator.core.model.RowChange.Row(null, line.apply(11L, 1L)),
                            new io.qreplicator.core.model.RowChange.Row(null, line.apply(20L, 2L)),
                            new io.qreplicator.core.model.RowChange.Row(null, line.apply(30L, 3L)),
                            new io.qreplicator.core.model.RowChange.Row(null, line.apply(31L, 3L))))))));
            // checks on, as applications write: the primary's cascade removed lines 10 and 11
            spool.append(RecordCodec.encode(change(8, io.qreplicator.core.model.RowChange.Kind.DELETE, image(1L, "item-1"), null)));
            // foreign_key_checks=0 on the primary: no cascade ran there, line 20 stays
            io.qreplicator.core.model.Transaction unchecked = change(9, io.qreplicator.core.model.RowChange.Kind.DELETE,
                    image(2L, "item-2"), null);
            io.qreplicator.core.model.RowChange d = (io.qreplicator.core.model.RowChange) unchecked.changes().get(0);
            spool.append(RecordCodec.encode(new io.qreplicator.core.model.Transaction(9, unchecked.position(), 0, 1, 100,
                    java.util.List.of(new io.qreplicator.core.model.RowChange(d.kind(), d.table(), d.rows(), false)))));
            // one line deleted by the application, then its item: the line's DELETE must run before the cascade does
            spool.append(RecordCodec.encode(new io.qreplicator.core.model.Transaction(10, position(10), 0, 1, 100, java.util.List.of(
                    new io.qreplicator.core.model.RowChange(io.qreplicator.core.model.RowChange.Kind.DELETE, lines, java.util.List.of(
                            new io.qreplicator.core.model.RowChange.Row(line.apply(30L, 3L), null))),
                    change(10, io.qreplicator.core.model.RowChange.Kind.DELETE, image(3L, "item-3"), null).changes().get(0)))));
            spool.append(Records.record(11));
        }
        try {
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 11 || agent.failure() != null);
                assertThat(agent.failure()).isNull();
            }
            assertThat(standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.order_lines")).isEqualTo("20");
            assertThat(standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.items")).isEqualTo("11");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop"); // the standby is shared
        }
    }

    private static io.qreplicator.core.model.TableDef linesTable() {
        return new io.qreplicator.core.model.TableDef("shop", "order_lines", java.util.List.of(
                new io.qreplicator.core.model.ColumnDef("id", io.qreplicator.core.model.ColumnType.LONG, 0, false),
                new io.qreplicator.core.model.ColumnDef("item", io.qreplicator.core.model.ColumnType.LONG, 0, false)), new int[]{0});
    }

    /** INSERT of order lines (id, item), ... */
    private static byte[] lines(long seq, long... idAndItem) {
        java.util.List<io.qreplicator.core.model.RowChange.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < idAndItem.length; i += 2) {
            java.util.BitSet all = new java.util.BitSet();
            all.set(0, 2);
            rows.add(new io.qreplicator.core.model.RowChange.Row(null,
                    new io.qreplicator.core.model.RowImage(all, new Object[]{idAndItem[i], idAndItem[i + 1]})));
        }
        return RecordCodec.encode(new io.qreplicator.core.model.Transaction(seq, position(seq), 0, 1, 100, java.util.List.of(
                new io.qreplicator.core.model.RowChange(io.qreplicator.core.model.RowChange.Kind.INSERT, linesTable(), rows))));
    }

    private static byte[] deleteItem(long seq, long id, boolean foreignKeyChecks) {
        io.qreplicator.core.model.RowChange d = (io.qreplicator.core.model.RowChange) change(seq,
                io.qreplicator.core.model.RowChange.Kind.DELETE, image(id, "item-" + id), null).changes().get(0);
        return RecordCodec.encode(new io.qreplicator.core.model.Transaction(seq, position(seq), 0, 1, 100,
                java.util.List.of(new io.qreplicator.core.model.RowChange(d.kind(), d.table(), d.rows(), foreignKeyChecks))));
    }

    private static byte[] step(long seq, io.qreplicator.core.model.Change step) {
        return RecordCodec.encode(new io.qreplicator.core.model.Transaction(seq, position(seq), 0, 1, 100, java.util.List.of(step)));
    }

    private static void shopWithCascade(Spool spool) {
        spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
        spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
        spool.append(RecordCodec.encode(Records.ddl(3, "CREATE TABLE order_lines (id INT PRIMARY KEY, item INT,"
                + " CONSTRAINT fk_item FOREIGN KEY (item) REFERENCES items (id) ON DELETE CASCADE)")));
    }

    /** {@link #shopWithCascade}, then item 1 (seq 4) and its order line 10 (seq 5). */
    private static void shopWithALine(Spool spool) {
        shopWithCascade(spool);
        spool.append(RecordCodec.encode(Records.insert(4, 1, "item-1")));
        spool.append(lines(5, 10, 1));
    }

    @Test
    void aCascadeFromRowsACopyPassesOverMakesTheTablesItReachesStaleAndTheStreamGoesOn(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            shopWithCascade(spool);
            spool.append(lines(4, 10, 1, 20, 2));
            // items is copied again, in chunks; order_lines, replicated all along, is not
            spool.append(step(5, new io.qreplicator.core.model.ProvisionTable("p-1", "shop", "items",
                    "CREATE TABLE `items` (id INT PRIMARY KEY, name VARCHAR(80))", java.util.List.of("id"), true, true, 0)));
            spool.append(step(6, new io.qreplicator.core.model.CopyChunk("p-1", "shop", "items", java.util.List.of(),
                    java.util.List.of("n:1"), false, 1, "INSERT INTO `shop`.`items` VALUES (1, 'item-1')")));
            spool.append(deleteItem(7, 1, true)); // in the copied part: applied, its cascade with it
            spool.append(deleteItem(8, 2, true)); // beyond it: passed over, and its cascade cannot run
            spool.append(lines(9, 30, 1));
            spool.append(Records.record(10));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 10 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
            assertThat(agent.tablesNotReplicated()).isEqualTo(1);
        }
        try {
            assertThat(standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.order_lines"))
                    .as("10 went with item 1; 20 stays (its cascade could not run); 30 is passed over").isEqualTo("20");
            assertThat(standby.queryOne("SELECT CONCAT(state, ': ', detail) FROM " + cfg.metadataSchema() + ".provision"
                    + " WHERE schema_name = 'shop' AND table_name = 'order_lines'")).startsWith("stale: NOT REPLICATED")
                    .contains("GTID 0-1-8").contains("shop.items").contains("qrepl provision --tables shop.order_lines --force");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop");
        }
    }

    @Test
    void aChunksCopyLeavesForeignKeyChecksOffForTheRowsAfterIt(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            shopWithALine(spool);
            spool.append(step(6, new io.qreplicator.core.model.ProvisionTable("p-1", "shop", "other",
                    "CREATE TABLE `other` (id INT PRIMARY KEY)", java.util.List.of("id"), false, true, 0)));
            spool.append(step(7, new io.qreplicator.core.model.CopyChunk("p-1", "shop", "other", java.util.List.of(),
                    java.util.List.of(), true, 1, "INSERT INTO `shop`.`other` VALUES (1)")));
            spool.append(deleteItem(8, 1, false)); // foreign_key_checks=0 on the primary: no cascade there, none here
            spool.append(Records.record(9));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 9 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        try {
            assertThat(standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.order_lines")).isEqualTo("10");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop");
        }
    }

    /** A table (id, ref) of schema shop, both INT columns, keyed by id. */
    private static io.qreplicator.core.model.TableDef idRef(String table, String ref) {
        return new io.qreplicator.core.model.TableDef("shop", table, java.util.List.of(
                new io.qreplicator.core.model.ColumnDef("id", io.qreplicator.core.model.ColumnType.LONG, 0, false),
                new io.qreplicator.core.model.ColumnDef(ref, io.qreplicator.core.model.ColumnType.LONG, 0, false)), new int[]{0});
    }

    private static io.qreplicator.core.model.RowImage row(Long id, Long ref) {
        java.util.BitSet present = new java.util.BitSet();
        present.set(0, 2);
        return new io.qreplicator.core.model.RowImage(present, new Object[]{id, ref});
    }

    private static byte[] rows(long seq, io.qreplicator.core.model.RowChange.Kind kind, io.qreplicator.core.model.TableDef t,
                               io.qreplicator.core.model.RowImage before, io.qreplicator.core.model.RowImage after) {
        return step(seq, new io.qreplicator.core.model.RowChange(kind, t, java.util.List.of(
                new io.qreplicator.core.model.RowChange.Row(before, after))));
    }

    @Test
    void aCascadeAForeignKeyRefusesWhileATableItJoinsIsCopiedRunsWithoutChecksAndItsTablesGoStale(@TempDir Path dir)
            throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        io.qreplicator.core.model.TableDef g = idRef("g", "v");
        io.qreplicator.core.model.TableDef p = idRef("p", "gid");
        io.qreplicator.core.model.TableDef ch = idRef("c", "pid");
        var insert = io.qreplicator.core.model.RowChange.Kind.INSERT;
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE g (id INT PRIMARY KEY, v INT)")));
            spool.append(RecordCodec.encode(Records.ddl(3, "CREATE TABLE p (id INT PRIMARY KEY, gid INT, FOREIGN KEY (gid)"
                    + " REFERENCES g (id))")));
            spool.append(RecordCodec.encode(Records.ddl(4, "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid)"
                    + " REFERENCES p (id) ON UPDATE CASCADE)")));
            spool.append(rows(5, insert, g, null, row(1L, 0L)));
            spool.append(rows(6, insert, g, null, row(2L, 0L)));
            spool.append(rows(7, insert, p, null, row(10L, 1L)));
            spool.append(rows(8, insert, ch, null, row(100L, 10L)));
            // g is copied again, in chunks: only its row 1 so far
            spool.append(step(9, new io.qreplicator.core.model.ProvisionTable("p-1", "shop", "g",
                    "CREATE TABLE `g` (id INT PRIMARY KEY, v INT)", java.util.List.of("id"), true, true, 0)));
            spool.append(step(10, new io.qreplicator.core.model.CopyChunk("p-1", "shop", "g", java.util.List.of(),
                    java.util.List.of("n:1"), false, 1, "INSERT INTO `shop`.`g` VALUES (1, 0)")));
            // p's key changes (its cascade moves c's row) and so does its own key to g: row 2 of g is not copied yet
            spool.append(rows(11, io.qreplicator.core.model.RowChange.Kind.UPDATE, p, row(10L, 1L), row(11L, 2L)));
            spool.append(RecordCodec.encode(Records.ddl(12, "CREATE TABLE after_it (id INT PRIMARY KEY)")));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 12 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        try {
            assertThat(standby.queryOne("SELECT CONCAT(id, '/', gid) FROM shop.p")).isEqualTo("11/2");
            assertThat(standby.queryOne("SELECT state FROM " + cfg.metadataSchema() + ".provision WHERE table_name = 'c'"))
                    .as("its cascade could not run: c is stale, not silently different").isEqualTo("stale");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop");
        }
    }

    @Test
    void aCascadeIntoASystemVersionedTableStopsTheSink(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            shopWithALine(spool);
            spool.append(RecordCodec.encode(Records.ddl(6, "ALTER TABLE order_lines ADD SYSTEM VERSIONING")));
            spool.append(RecordCodec.encode(Records.update(7, 1, "renamed"))); // an UPDATE of no key: no cascade, applied
            spool.append(deleteItem(8, 1, true));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null);
            assertThat(agent.failure()).hasMessageContaining("transaction GTID 0-1-8")
                    .hasMessageContaining("system-versioned table shop.order_lines");
            assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).as("the DELETE did not run").isEqualTo("1");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop");
        }
    }

    private static io.qreplicator.core.position.SourcePosition position(long seq) {
        return new io.qreplicator.core.position.SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq);
    }

    @ParameterizedTest // named: the replay fails with a duplicate name; unnamed: it would succeed and add a second key
    @ValueSource(strings = {"ALTER TABLE notes ADD CONSTRAINT fk_notes FOREIGN KEY (item) REFERENCES items (id)",
            "ALTER TABLE notes ADD FOREIGN KEY (item) REFERENCES items (id)",
            "alter table `notes` add constraint foreign key (`item`) references `shop`.`items` (`id`) on delete restrict"})
    void aForeignKeyAddedAgainAfterACrashBeforeItsCheckpointIsPassedOver(String alter, @TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            spool.append(RecordCodec.encode(Records.ddl(3, "CREATE TABLE notes (id INT PRIMARY KEY, item INT)")));
            spool.append(RecordCodec.encode(Records.ddl(4, alter)));
        }
        try {
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 4 || agent.failure() != null);
                assertThat(agent.failure()).isNull();
            }
            // as if the sink had died between the ALTER (which commits by itself) and its checkpoint
            standby.execute("UPDATE " + cfg.metadataSchema() + ".checkpoint SET seq = 3");
            SinkTesting.killedAfterDdl(cfg, 4);
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 4 || agent.failure() != null);
                assertThat(agent.failure()).isNull();
            }
            assertThat(standby.queryOne("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                    + " WHERE CONSTRAINT_SCHEMA = 'shop' AND TABLE_NAME = 'notes'")).isEqualTo("1");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop");
        }
    }

    /**
     * Each connection keeps what it read of the standby's tables; a DDL statement applied by one of
     * them must reach them all, or the others go on writing a column that became generated (1906).
     */
    @Test
    void aColumnMadeGeneratedByDdlIsWrittenByNoConnectionAfterwards(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, new MergeLimits(50, 4L << 20, Duration.ofSeconds(5)));
        TableDef withG = new TableDef("shop", "items", List.of(
                Records.ITEMS.columns().get(0), Records.ITEMS.columns().get(1),
                new ColumnDef("g", ColumnType.LONG, 0, false)), new int[] {0});
        BitSet all = new BitSet();
        all.set(0, 3);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80), g INT)")));
            for (long s = 3; s <= 402; s++) { // every connection reads the table: g is an ordinary column
                Object[] row = {s, ("item-" + s).getBytes(StandardCharsets.UTF_8), s};
                spool.append(RecordCodec.encode(rows(s, withG, new RowImage(all, row))));
            }
            spool.append(RecordCodec.encode(Records.ddl(403, "ALTER TABLE items MODIFY g INT AS (id * 2) STORED")));
            for (long s = 404; s <= 803; s++) { // the primary logs g's value, which the standby computes itself
                Object[] row = {s, ("item-" + s).getBytes(StandardCharsets.UTF_8), s * 2};
                spool.append(RecordCodec.encode(rows(s, withG, new RowImage(all, row))));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 803 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
            // several connections: a unit that failed alongside others is replayed alone, which would hide the failure
            assertThat(String.valueOf(agent.status().getOrDefault("sink.replays", 0))).as("units replayed after a failure").isEqualTo("0");
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).isEqualTo("800");
    }

    private static Transaction rows(long seq, TableDef t, RowImage after) {
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq),
                1_700_000_000_000L + seq, 1, 120, List.of(new RowChange(RowChange.Kind.INSERT, t, List.of(new RowChange.Row(null, after)))));
    }

    @ParameterizedTest // named: the replay fails with a duplicate key name; unnamed: it would succeed and add `item_2`
    @ValueSource(strings = {"ALTER TABLE notes ADD INDEX idx_item (item)",
            "ALTER TABLE notes ADD INDEX (item)",
            "alter table `shop`.`notes` add unique key (`item`, id)",
            "ALTER TABLE notes ADD KEY (item(4)) COMMENT 'prefix'",
            "ALTER TABLE notes ADD INDEX (item), ALGORITHM=INPLACE, LOCK=NONE"})
    void anIndexAddedAgainAfterACrashBeforeItsCheckpointIsPassedOver(String alter, @TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir, MergeLimits.DEFAULTS);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE notes (id INT PRIMARY KEY, item VARCHAR(20))")));
        }
        try {
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 2 || agent.failure() != null);
                assertThat(agent.failure()).isNull();
            }
            // the sink ran the next DDL, which commits by itself, and died before writing its checkpoint
            SinkTesting.killedAfterDdl(cfg, 3);
            standby.execute("USE shop", alter);
            try (Spool spool = Spool.open(cfg.spoolDir())) {
                spool.append(RecordCodec.encode(Records.ddl(3, alter)));
                spool.append(RecordCodec.encode(Records.ddl(4, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
                for (long s = 5; s <= 20; s++) {
                    spool.append(Records.record(s));
                }
            }
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 20 || agent.failure() != null);
                assertThat(agent.failure()).isNull();
            }
            assertThat(standby.queryOne("SELECT GROUP_CONCAT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS"
                    + " WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'notes' AND INDEX_NAME <> 'PRIMARY'"))
                    .isIn("idx_item", "item");
            assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).isEqualTo("16");
        } finally {
            standby.execute("DROP DATABASE IF EXISTS shop");
        }
    }
}
