package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl provision} on a running pair: tables the standby never had (written on the primary
 * with sql_log_bin=0, as data older than the stream) are copied while an application writes to
 * them, inserting, updating, deleting and moving keys; every row is then the primary's, none missing,
 * none twice, and the tables go on replicating. Integer keys (single and composite) are copied in
 * chunks; a string key and a keyless table whole. A standby table that holds rows is refused
 * without {@code --force}, and replaced with it. The first run copies three tables at once
 * ({@code --parallel 3}).
 */
@RunningPair.FreshPair
class ProvisionIT extends RunningPair {
    private static QreplRun qrepl(String... args) {
        return QreplRun.of(args);
    }

    @Test
    void tablesCopiedUnderWritesThenReplicatedAndANonEmptyTableRefusedUnlessForced() throws Exception {
        onPrimary("SET sql_log_bin = 0",
                "CREATE DATABASE pv",
                "CREATE TABLE pv.orders (id INT PRIMARY KEY, note VARCHAR(20), amount DECIMAL(10,2), f FLOAT, data BLOB,"
                        + " placed DATETIME(6))",
                "INSERT INTO pv.orders SELECT seq, CONCAT('n', seq), seq / 100, seq / 7, IF(seq % 3 = 0, NULL,"
                        + " REPEAT(CHAR(seq % 256), 30)), '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM pv.seq_1_to_5000",
                "CREATE TABLE pv.pairs (a INT, b BIGINT UNSIGNED, v INT, PRIMARY KEY (a, b))",
                "INSERT INTO pv.pairs SELECT seq % 10, seq + 18446744073709540000, seq FROM pv.seq_1_to_2500",
                "CREATE TABLE pv.names (name VARCHAR(20) PRIMARY KEY, v INT) DEFAULT CHARSET latin1",
                "INSERT INTO pv.names SELECT CONCAT('nâme', seq), seq FROM pv.seq_1_to_300",
                // character columns in Unicode, ASCII or latin1 travel as quoted strings: every character their escapes touch
                "CREATE TABLE pv.texts (id INT PRIMARY KEY, s VARCHAR(40) CHARSET utf8mb4, a CHAR(10) CHARSET ascii,"
                        + " m VARCHAR(10) CHARSET utf8mb3, e ENUM('x', 'ý') CHARSET utf8mb4, j JSON, t TEXT)",
                "INSERT INTO pv.texts VALUES (1, CONCAT('back\\\\slash ', CHAR(0), ' nul ', CHAR(26), ' sub'), 'q''uote',"
                        + " 'tab\tnl\n', 'ý', '{\"k\": \"\\\\u00e9 \\\\\\\\\"}', 'trailing  '),"
                        + " (2, '\uD83D\uDE00 emoji \"dq\"', '', 'éè', 'x', NULL, ''), (3, NULL, NULL, NULL, NULL, '[]', NULL)",
                // latin1 too: every one of its 256 bytes, NUL, quote, backslash and Ctrl-Z among them
                "ALTER TABLE pv.texts ADD COLUMN l VARCHAR(256) CHARSET latin1,"
                        + " ADD COLUMN u VARCHAR(10) CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT 'ü'",
                "UPDATE pv.texts SET l = UNHEX('" + java.util.stream.IntStream.range(0, 256).mapToObj(b -> String.format("%02X", b))
                        .collect(java.util.stream.Collectors.joining()) + "') WHERE id = 1",
                // the zero year beside 2000 (a YEAR(2) shows both as 00), and a date only ALLOW_INVALID_DATES stores
                "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'",
                "ALTER TABLE pv.texts ADD COLUMN y2 YEAR(2), ADD COLUMN y4 YEAR, ADD COLUMN d DATE",
                "UPDATE pv.texts SET y2 = IF(id = 1, 1900, '00'), y4 = IF(id = 1, 1900, 2000), d = IF(id = 1, '2009-04-31', '0000-00-00')",
                "SET SESSION sql_mode = DEFAULT",
                "CREATE TABLE pv.nokey (x INT, y VARCHAR(5))",
                "INSERT INTO pv.nokey VALUES (1, 'a'), (1, 'a'), (2, NULL)",
                "SET sql_log_bin = 1");

        AtomicReference<QreplRun> provisioned = new AtomicReference<>();
        // every replicated table, as for a new standby: the heartbeat table, which the standby holds already, is replaced
        // without --force (it is the agents'), the others are copied
        // three tables at once: their chunks interleave in the stream
        Thread provision = new Thread(() -> provisioned.set(qrepl("provision", "-c", pair.config.toString(), "--parallel", "3")));
        provision.start();
        // the application writes once the sink knows which tables to pass over until their copy starts
        Path sinkStatus = pair.config.getParent().resolve("sink").resolve("status.properties");
        await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(sinkStatus)
                && java.nio.file.Files.readString(sinkStatus).contains("sink.provision-pending="));
        // every table, as fast as one connection can: inserts, updates, deletes, keys moved
        ApplicationWrites writer = new ApplicationWrites(pair.primary, (st, n) -> {
            int id = ThreadLocalRandom.current().nextInt(1, 5001);
            st.execute("UPDATE pv.orders SET amount = amount + 1, note = 'w" + id + "' WHERE id = " + id);
            st.execute("INSERT INTO pv.orders VALUES (" + (100_000 + n) + ", 'new', 1, 0.5, 'x', NOW(6))");
            st.execute("DELETE FROM pv.orders WHERE id = " + (id + 7));
            st.execute("UPDATE pv.orders SET id = id + 1000000 WHERE id = " + (id + 13)); // out of the copied part
            st.execute("UPDATE pv.pairs SET v = v + 1 WHERE a = " + id % 10 + " AND b = 18446744073709540000 + " + id);
            st.execute("UPDATE pv.names SET v = v + 1 WHERE name = 'nâme" + id % 300 + "'");
            st.execute("INSERT INTO pv.nokey VALUES (" + id + ", 'w')");
            return 7;
        });
        provision.join(Duration.ofMinutes(3).toMillis());
        writer.stop();
        assertThat(provision.isAlive()).as("provision still running").isFalse();
        QreplRun run = provisioned.get();
        assertThat(run.out()).as(run.out()).contains("pv.orders", "done").contains("ended provision-")
                .contains("qreplicator.heartbeat").doesNotContain("refused");
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(source.logText()).contains(", 3 at once");
        assertReplicated(); // every table, row by row, after the writes that went on meanwhile
        onPrimary("UPDATE pv.orders SET note = 'after' WHERE id <= 10", "INSERT INTO pv.nokey VALUES (9, 'z')");
        assertReplicated();

        // a standby table that holds rows is left alone without --force
        QreplRun refused = qrepl("provision", "-c", pair.config.toString(), "--tables", "pv.names");
        assertThat(refused.code()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("pv.names").contains("refused: the standby's table holds rows");
        // told of the refusal over the link, the source stops sending the table's chunks: they would only be dropped
        onPrimary("SET sql_log_bin = 0", "CREATE TABLE pv.big (id INT PRIMARY KEY, pad CHAR(100))",
                "INSERT INTO pv.big SELECT seq, REPEAT('p', 100) FROM pv.seq_1_to_50000", "SET sql_log_bin = 1");
        pair.standby.execute("CREATE TABLE pv.big (id INT PRIMARY KEY, pad CHAR(100))", "INSERT INTO pv.big VALUES (1, 'x')");
        QreplRun refusedBig = qrepl("provision", "-c", pair.config.toString(), "--tables", "pv.big", "--run", "big");
        assertThat(refusedBig.code()).as(refusedBig.out()).isEqualTo(1);
        assertThat(refusedBig.out()).contains("pv.big").contains("refused: the standby's table holds rows");
        java.util.regex.Matcher sent = java.util.regex.Pattern.compile("the sink refused pv\\.big .*\\((\\d+) rows were\\)")
                .matcher(source.logText());
        assertThat(sent.find()).as(source.logText()).isTrue();
        System.out.println("pv.big: " + sent.group(1) + " of its 50,000 rows sent before the source heard of the refusal");
        assertThat(Long.parseLong(sent.group(1))).as("rows sent of 50,000").isLessThan(50_000);

        pair.standby.execute("UPDATE pv.names SET v = -1 WHERE name = 'nâme7'"); // a damaged copy
        // a run's name is not taken again: the sink's word on the earlier run would be read as this one's
        QreplRun again = qrepl("provision", "-c", pair.config.toString(), "--tables", "pv.big", "--force", "--run", "big");
        assertThat(again.code()).as(again.out()).isEqualTo(2);
        assertThat(again.err()).contains("provisioning run big has run before");
        QreplRun forced = qrepl("provision", "-c", pair.config.toString(), "--tables", "pv.names,pv.big", "--force");
        assertThat(forced.code()).as(forced.out()).isZero();
        assertReplicated();
    }

    /**
     * Rows inserted beyond a table's greatest key while it is copied are copied in chunks too, not all
     * in the last one (an append-heavy table's inserts over a long copy would not fit one INSERT).
     */
    @Test
    void insertsBeyondTheGreatestKeyDuringTheCopyAreChunkedToo() throws Exception {
        onPrimary("SET sql_log_bin = 0", "CREATE DATABASE IF NOT EXISTS ap",
                "CREATE TABLE ap.ledger (id INT PRIMARY KEY, amount INT)",
                "INSERT INTO ap.ledger SELECT seq, seq FROM ap.seq_1_to_5000", "SET sql_log_bin = 1");
        AtomicReference<QreplRun> provisioned = new AtomicReference<>();
        // paced to about a 1,000-row chunk a second, so that the inserts below land while the copy is under way
        Thread provision = new Thread(() -> provisioned.set(qrepl("provision", "-c", pair.config.toString(),
                "--tables", "ap.ledger", "--max-bandwidth", "12000")));
        provision.start();
        Path sourceStatus = pair.config.getParent().resolve("source").resolve("status.properties");
        java.util.regex.Pattern copied = java.util.regex.Pattern.compile("ap\\.ledger (\\d+) rows;");
        // the status file is rewritten once a second: any count short of the 4,000 rows below the last chunks' cut
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!java.nio.file.Files.exists(sourceStatus)) {
                return false;
            }
            java.util.regex.Matcher m = copied.matcher(java.nio.file.Files.readString(sourceStatus));
            if (!m.find()) {
                return false;
            }
            long rows = Long.parseLong(m.group(1));
            assertThat(rows).as("rows copied when the inserts were due (the copy went too fast to test)").isLessThan(4000);
            return rows >= 1000;
        });
        onPrimary("INSERT INTO ap.ledger SELECT seq, seq FROM ap.seq_5001_to_7500");
        provision.join(Duration.ofMinutes(2).toMillis());
        assertThat(provision.isAlive()).as("provision still running").isFalse();
        assertThat(provisioned.get().code()).as(provisioned.get().out()).isZero();
        assertThat(source.logText())
                .containsPattern("ap.ledger took inserts during its copy; its chunks go on up to key \\[[a-z:]*7500\\]");
        assertReplicated();
    }

    /**
     * With {@code --parallel}, a child whose foreign key cascades from a parent starts its copy only once
     * the parent's is done. Copied beside it, the child's first rows would be on the standby while the
     * primary deleted their parents beyond the parent's copied part: the standby could not run those
     * cascades, and the child would go stale.
     */
    @Test
    void aChildIsCopiedOnlyOnceItsParentIsWhenTablesAreCopiedAtOnce() throws Exception {
        onPrimary("SET sql_log_bin = 0", "CREATE DATABASE pc",
                "CREATE TABLE pc.parent (id INT PRIMARY KEY, pad CHAR(20))",
                "INSERT INTO pc.parent SELECT seq, 'p' FROM pc.seq_1_to_3000",
                // the child's first rows refer to the parent's last: the ones the parent's copy reaches last
                "CREATE TABLE pc.child (id INT PRIMARY KEY, p INT, pad CHAR(20),"
                        + " FOREIGN KEY (p) REFERENCES pc.parent (id) ON DELETE CASCADE)",
                "INSERT INTO pc.child SELECT seq, 3001 - seq, 'c' FROM pc.seq_1_to_3000",
                "CREATE TABLE pc.other (id INT PRIMARY KEY, pad CHAR(20))",
                "INSERT INTO pc.other SELECT seq, 'o' FROM pc.seq_1_to_300", "SET sql_log_bin = 1");
        AtomicReference<QreplRun> provisioned = new AtomicReference<>();
        // paced, so that the deletes below land while the tables are being copied; two workers: the parent and
        // pc.other start together, and the child waits for the parent though pc.other is done long before
        Thread provision = new Thread(() -> provisioned.set(qrepl("provision", "-c", pair.config.toString(),
                "--tables", "pc.*", "--parallel", "2", "--max-bandwidth", "40000")));
        provision.start();
        Path sinkStatus = pair.config.getParent().resolve("sink").resolve("status.properties");
        await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(sinkStatus)
                && java.nio.file.Files.readString(sinkStatus).contains("sink.provision-pending="));
        // all along the copy, parent rows of the top half, each cascading into one of the child's first rows
        ApplicationWrites writer = new ApplicationWrites(pair.primary, (st, n) -> {
            if (n % 4 == 0) {
                st.execute("DELETE FROM pc.parent WHERE id = " + ThreadLocalRandom.current().nextInt(1501, 3001));
            }
            st.execute("UPDATE pc.other SET pad = 'w" + n + "' WHERE id = " + (n % 300 + 1));
            return 2;
        });
        provision.join(Duration.ofMinutes(3).toMillis());
        writer.stop();
        assertThat(provision.isAlive()).as("provision still running").isFalse();
        QreplRun run = provisioned.get();
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("pc.child").doesNotContain("stale");
        assertThat(pair.primary.queryOne("SELECT COUNT(*) FROM pc.child")).as("the cascades ran on the primary")
                .isNotEqualTo("3000");
        assertReplicated();
        QreplRun status = qrepl("status", "-c", pair.config.toString());
        assertThat(status.out()).as(status.out()).doesNotContain("not replicated");
    }

    /**
     * A table of large rows is copied in chunks that end early, at a key, once they hold
     * {@code provision.chunk-bytes}: 1,000 rows of 20,000 characters (the default chunk) would not fit
     * the standby's default max_allowed_packet (16 MiB). A system-versioned table's chunk ends between
     * two keys, never between two versions of one.
     */
    @Test
    void largeRowsAreCopiedInChunksThatFitTheStandbysPacket() throws Exception {
        onPrimary("SET sql_log_bin = 0", "CREATE DATABASE pl",
                "CREATE TABLE pl.docs (id INT PRIMARY KEY, body MEDIUMTEXT)",
                "INSERT INTO pl.docs SELECT seq, CONCAT(seq, REPEAT(CHAR(97 + seq % 26), 20000)) FROM pl.seq_1_to_1500",
                "CREATE TABLE pl.hist (id INT PRIMARY KEY, body MEDIUMTEXT) WITH SYSTEM VERSIONING",
                "INSERT INTO pl.hist SELECT seq, REPEAT('v', 30000) FROM pl.seq_1_to_200",
                "UPDATE pl.hist SET body = REPEAT('w', 30000)", "UPDATE pl.hist SET body = REPEAT('x', 30000)",
                "SET sql_log_bin = 1");
        QreplRun run = qrepl("provision", "-c", pair.config.toString(), "--tables", "pl.*");
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("pl.docs", "pl.hist").doesNotContain("refused");
        assertReplicated();
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM pl.hist FOR SYSTEM_TIME ALL")).isEqualTo("600");
        assertThat(sink.isAlive()).as("sink; log:\n%s", sink.logText()).isTrue();
    }
}
