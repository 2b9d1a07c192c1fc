package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qrepl verify} against a running pair: equal tables are reported equal while the primary
 * is written to at full rate (each chunk is read on both sides at the same point of the stream, so
 * no write in flight shows as a difference); then a row changed by hand on the standby, a row
 * deleted, a row added and one byte of a BLOB changed are each found, in the chunk that holds them.
 */
@RunningPair.FreshPair
class VerifyIT extends RunningPair {
    /** {@code qrepl verify} in chunks of 1,000 rows (not the default 5,000): the tables here hold a few chunks each. */
    private static QreplRun verify(String... extra) {
        String[] args = new String[extra.length + 5];
        args[0] = "verify";
        args[1] = "-c";
        args[2] = pair.config.toString();
        args[3] = "--chunk-rows";
        args[4] = "1000";
        System.arraycopy(extra, 0, args, 5, extra.length);
        return run(args);
    }

    private static QreplRun run(String... args) {
        return QreplRun.of(args);
    }

    /** Rows the test damages on the standby by hand: the application leaves them alone (their changes would stop the sink). */
    private static final java.util.Set<Integer> DAMAGED = java.util.Set.of(10, 2500, 4001);

    /** An application as fast as one connection can: updates of random rows (never the damaged ones), inserts of new ones. */
    private static ApplicationWrites writes(long firstNewId) {
        return new ApplicationWrites(pair.primary, (st, n) -> {
            int id = ThreadLocalRandom.current().nextInt(1, 5001);
            if (DAMAGED.contains(id)) {
                return 0;
            }
            st.execute("UPDATE vf.orders SET amount = amount + 1, note = 'w" + id + "' WHERE id = " + id);
            st.execute("INSERT INTO vf.orders VALUES (" + (firstNewId + n) + ", 'new', 1, NOW(3), 'x')");
            st.execute("UPDATE vf.pairs SET v = v + 1 WHERE a = " + (id % 7) + " AND b = 'k" + id + "'");
            return 3;
        });
    }

    private static String tail(AgentProcess agent) throws Exception {
        String log = agent.logText();
        return log.length() > 5000 ? log.substring(log.length() - 5000) : log;
    }

    @Test
    void equalUnderWritesThenEachHandMadeDifferenceIsFound() throws Exception {
        onPrimary("CREATE DATABASE vf",
                "CREATE TABLE vf.orders (id INT PRIMARY KEY, note VARCHAR(20), amount DECIMAL(10,2), placed TIMESTAMP(3)"
                        + " NULL, data BLOB)",
                "INSERT INTO vf.orders SELECT seq, CONCAT('n', seq), seq / 100, FROM_UNIXTIME(1700000000 + seq),"
                        + " IF(seq % 5 = 0, NULL, REPEAT(CHAR(seq % 256), 40)) FROM vf.seq_1_to_5000",
                "CREATE TABLE vf.pairs (a INT, b VARCHAR(10), v DOUBLE, PRIMARY KEY (a, b))",
                "INSERT INTO vf.pairs SELECT seq % 7, CONCAT('k', seq), seq * 1.5 FROM vf.seq_1_to_2500",
                "CREATE TABLE vf.nokey (x INT, y VARCHAR(5))",
                "INSERT INTO vf.nokey VALUES (1, 'a'), (1, 'a'), (2, NULL), (NULL, 'b')");
        assertReplicated();

        ApplicationWrites writer = writes(10_000);
        QreplRun equal;
        try {
            equal = verify("--tables", "vf.*");
        } finally {
            writer.stop();
        }
        assertThat(equal.out()).contains("completed").doesNotContain("NOT completed").doesNotContain("differs");
        assertThat(equal.out()).containsPattern("vf\\.orders\\s+equal\\s+\\d+ chunks\\s+\\d+ rows")
                .containsPattern("vf\\.pairs\\s+equal\\s+3 chunks\\s+2500 rows")
                .containsPattern("vf\\.nokey\\s+equal\\s+1 chunks\\s+4 rows");
        assertThat(equal.code()).as(equal.out()).isZero();
        assertReplicated();

        // differences made by hand on the standby, not through the stream
        MariaDbServer standby = pair.standby;
        standby.execute("SET sql_log_bin = 0",
                "UPDATE vf.orders SET note = 'by hand' WHERE id = 10",
                "DELETE FROM vf.orders WHERE id = 2500",
                "INSERT INTO vf.orders VALUES (3500000, 'extra', 0, NULL, NULL)",
                "UPDATE vf.orders SET data = CONCAT(LEFT(data, 20), 'Z', SUBSTRING(data, 22)) WHERE id = 4001",
                "UPDATE vf.nokey SET y = 'c' WHERE y = 'b'");
        QreplRun found = verify("--tables", "vf.orders,vf.nokey");
        assertThat(found.code()).as(found.out()).isEqualTo(1);
        assertThat(found.out()).containsPattern("vf\\.orders\\s+differs").containsPattern("vf\\.nokey\\s+differs")
                .doesNotContain("vf.pairs");
        // each difference in its own chunk: ids 1..1000, 2001..3000, 4001..5000, and the rows past the last key
        assertThat(found.out()).contains("key after [] up to [n:1000]")
                .contains("key after [n:2000] up to [n:3000]")
                .contains("key after [n:4000] up to [n:5000]");
        assertThat(found.out().lines().filter(l -> l.contains("differs: vf.orders"))).hasSize(4);
        assertThat(found.out().lines().filter(l -> l.contains("differs: vf.nokey"))).hasSize(1);
        // and narrowed down to the rows, compared again at a later point of the stream
        assertThat(found.out()).as("verify's output, then the agents' logs:\n%s\n%s\n%s", found.out(), tail(source), tail(sink))
                .contains("row vf.orders (10): differs; standby has id=10, note='by hand'")
                .contains("row vf.orders (2500): missing on the standby")
                .contains("row vf.orders (3500000): only on the standby; standby has id=3500000, note='extra'")
                .contains("row vf.orders (4001): differs; standby has id=4001");
        assertThat(found.out().lines().filter(l -> l.startsWith("  row vf.orders"))).hasSize(4);
        assertThat(found.out().lines().filter(l -> l.startsWith("  row vf.nokey"))).hasSize(2)
                .anyMatch(l -> l.endsWith("missing on the standby"))
                .anyMatch(l -> l.contains("only on the standby; standby has x=NULL, y='c'"));

        // --repair while the application writes: the primary's rows go through the stream, then compare equal
        ApplicationWrites again = writes(20_000);
        QreplRun repaired;
        try {
            repaired = verify("--tables", "vf.orders", "--repair");
        } finally {
            again.stop();
        }
        assertThat(repaired.out()).as("%s\n%s\n%s", repaired.out(), tail(source), tail(sink)).contains("repair: 4 rows re-sent from the primary; compared again: equal");
        assertThat(repaired.code()).as(repaired.out()).isZero();
        standby.execute("UPDATE vf.nokey SET y = 'b' WHERE y = 'c'"); // a keyless row cannot be named alone: by hand
        QreplRun after = verify("--tables", "vf.*");
        assertThat(after.code()).as(after.out()).isZero();
        assertReplicated();
        // qrepl status shows when each table was verified last, and the result
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            String status = run("status", "-c", pair.config.toString()).out();
            assertThat(status).containsPattern("verified\\s+vf\\.orders\\s+equal\\s+at \\S+ \\(run-")
                    .containsPattern("verified\\s+vf\\.nokey\\s+equal");
        });
    }
}
