package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qrepl verify} compares each table's definition too, not only its rows: a table the
 * primary created as MyISAM under a session's {@code default_storage_engine} (which the binlog does
 * not carry, so the standby created it with its own default, as a native replica does), and an
 * index dropped on the standby by hand, are each reported with the lines that differ, while their
 * rows are equal; the AUTO_INCREMENT counter, which a rolled-back insert moves on the primary only,
 * is no difference. Once the standby is put right, the same run says equal. A table's triggers are
 * part of its definition: the primary's against those the sink keeps for a failover.
 */
@RunningPair.FreshPair
class VerifyTableDefinitionIT extends RunningPair {
    private static QreplRun verify() {
        return QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "vd.*");
    }

    @Test
    void aDefinitionThatDiffersIsReportedWhileItsRowsAreEqual() throws Exception {
        onPrimary("CREATE DATABASE vd",
                "CREATE TABLE vd.same (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10), KEY v (v))",
                "INSERT INTO vd.same (v) VALUES ('a'), ('b')",
                "BEGIN", "INSERT INTO vd.same (v) VALUES ('undone')", "ROLLBACK",
                "SET SESSION default_storage_engine = MyISAM", "CREATE TABLE vd.engine (id INT PRIMARY KEY, v INT)",
                "SET SESSION default_storage_engine = DEFAULT", "INSERT INTO vd.engine VALUES (1, 1)",
                "CREATE TABLE vd.indexed (id INT PRIMARY KEY, v INT, KEY v (v))", "INSERT INTO vd.indexed VALUES (1, 1)");
        assertReplicated();
        assertThat(pair.primary.queryOne("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_NAME = 'same'"))
                .as("the primary's counter moved past the rolled-back insert")
                .isNotEqualTo(pair.standby.queryOne("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_NAME = 'same'"));
        assertThat(pair.standby.queryOne("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_NAME = 'engine'"))
                .as("the standby's own default engine").isEqualTo("InnoDB");
        pair.standby.execute("ALTER TABLE vd.indexed DROP INDEX v");

        QreplRun found = verify();
        System.out.println(found.out());
        assertThat(found.code()).as(found.out()).isEqualTo(1);
        assertThat(found.out())
                .containsPattern("vd\\.same\\s+equal")
                .containsPattern("vd\\.engine\\s+differs\\s+1 chunks\\s+1 rows")
                .contains("definition differs: vd.engine: the primary has [) ENGINE=MyISAM", "the standby has [) ENGINE=InnoDB")
                .contains("definition differs: vd.indexed: the primary has [KEY `v` (`v`)], the standby has []")
                .doesNotContain("definition differs: vd.same");

        pair.standby.execute("ALTER TABLE vd.engine ENGINE = MyISAM", "ALTER TABLE vd.indexed ADD KEY v (v)");
        QreplRun equal = verify();
        assertThat(equal.code()).as(equal.out()).isZero();
        assertThat(equal.out()).doesNotContain("differs");
    }

    @Test
    void aTriggerAFailoverWouldLeaveOutIsADifferenceUntilTheSourceReadsItsSchemaAgain() throws Exception {
        onPrimary("CREATE DATABASE vt", "CREATE TABLE vt.t (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE vt.log (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
                "CREATE TRIGGER vt.t_ai AFTER INSERT ON vt.t FOR EACH ROW BEGIN\n  INSERT INTO vt.log (v) VALUES (NEW.v);\nEND",
                "INSERT INTO vt.t VALUES (1, 1)");
        assertReplicated();
        QreplRun equal = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "vt.*");
        assertThat(equal.code()).as(equal.out()).isZero();
        assertThat(equal.out()).containsPattern("vt\\.t\\s+equal").doesNotContain("differs");

        // made outside the binlog: the source sees it at the next DDL in its schema, so a failover now would leave it out
        onPrimary("SET SESSION sql_log_bin = 0", "CREATE TRIGGER vt.t_bu BEFORE UPDATE ON vt.t FOR EACH ROW SET NEW.v = NEW.v + 1",
                "SET SESSION sql_log_bin = 1");
        QreplRun found = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "vt.*");
        assertThat(found.code()).as(found.out()).isEqualTo(1);
        assertThat(found.out()).contains("definition differs: vt.t: the primary has [TRIGGERS in order: `t_ai` `t_bu` | TRIGGER `t_bu` sql_mode=",
                        ": CREATE DEFINER=`root`@`127.0.0.1` TRIGGER vt.t_bu BEFORE UPDATE ON vt.t FOR EACH ROW SET NEW.v = NEW.v + 1]",
                        "the standby has [TRIGGERS in order: `t_ai`]")
                .doesNotContain("definition differs: vt.log");

        onPrimary("CREATE TABLE vt.later (id INT PRIMARY KEY)"); // the source reads schema vt's triggers again
        assertReplicated();
        QreplRun again = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "vt.*");
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).doesNotContain("differs");
    }
}
