package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog of dependent transactions: every one touches a few of twenty hot rows (updates that read
 * their own earlier values, deletes and re-inserts of the same keys), so the sink's merged
 * statements must keep each row's changes in the primary's order. Applied in catch-up, where merging
 * and statements over many rows are at work, then every table compared.
 */
class HotRowsIT {

    @Test
    void dependentChangesToHotRowsApplyInThePrimarysOrder(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir)) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            AgentProcess sink = pair.sink();
            pair.primary.execute("CREATE DATABASE h", "CREATE TABLE h.hot (id INT PRIMARY KEY, v BIGINT NOT NULL, c VARCHAR(20))",
                    "CREATE TABLE h.log (id INT PRIMARY KEY, hot INT, v BIGINT)",
                    "INSERT INTO h.hot SELECT seq, 0, 'start' FROM h.seq_1_to_20");
            pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
            assertThat(sink.stop()).isIn(0, 143);

            Random random = new Random(17);
            try (Connection c = pair.primary.rootConnection();
                 PreparedStatement add = c.prepareStatement("UPDATE h.hot SET v = v + ?, c = ? WHERE id = ?");
                 PreparedStatement del = c.prepareStatement("DELETE FROM h.hot WHERE id = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO h.hot VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE v = v + 1");
                 PreparedStatement log = c.prepareStatement("INSERT INTO h.log SELECT ?, id, v FROM h.hot WHERE id = ?")) {
                c.setAutoCommit(false);
                for (int tx = 0; tx < 4000; tx++) {
                    int id = 1 + random.nextInt(20);
                    for (int n = 1 + random.nextInt(3); n > 0; n--) {
                        add.setInt(1, 1 + random.nextInt(9));
                        add.setString(2, "tx" + tx);
                        add.setInt(3, id);
                        add.executeUpdate();
                        id = 1 + random.nextInt(20);
                    }
                    if (random.nextInt(4) == 0) {
                        del.setInt(1, id);
                        del.executeUpdate();
                        if (random.nextBoolean()) {
                            ins.setInt(1, id);
                            ins.setLong(2, tx);
                            ins.setString(3, "again");
                            ins.executeUpdate();
                        }
                    }
                    log.setInt(1, tx);
                    log.setInt(2, id);
                    log.executeUpdate(); // records the value the primary saw: a reordered change would show here
                    c.commit();
                }
            }
            // while the sink is down, status counts what the standby lacks: transactions and the binlog bytes they were
            java.util.regex.Pattern number = java.util.regex.Pattern.compile("\"(transactions|binlog-bytes)\": (\\d+)");
            long transactionsBehind = 0;
            long bytesBehind = 0;
            long written = Long.parseLong(pair.primary.queryOne("SELECT @@gtid_binlog_pos").replaceAll(".*-", ""))
                    - Long.parseLong(pair.standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint").replaceAll(".*-", ""));
            for (int attempt = 0; attempt < 50 && (transactionsBehind < written || bytesBehind == 0); attempt++) {
                Thread.sleep(200); // the source spools the last transactions
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                java.io.PrintStream old = System.out;
                System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
                try {
                    Main.run("status", "-c", pair.config.toString(), "--json");
                } finally {
                    System.setOut(old);
                }
                java.util.regex.Matcher m = number.matcher(out.toString(java.nio.charset.StandardCharsets.UTF_8));
                while (m.find()) {
                    if (m.group(1).equals("transactions")) {
                        transactionsBehind = Long.parseLong(m.group(2));
                    } else {
                        bytesBehind = Long.parseLong(m.group(2));
                    }
                }
            }
            // (a transaction whose statements all touched no row is not in the binlog: fewer than 4,000)
            assertThat(written).isGreaterThan(2000);
            assertThat(transactionsBehind).isGreaterThanOrEqualTo(written);
            assertThat(bytesBehind).as("binlog bytes behind").isGreaterThan(written * 100);

            sink = pair.sink();
            pair.awaitCaughtUp(Duration.ofSeconds(120), sink, source);
            pair.assertSameData();
            sink.stop();
            source.stop();
        }
    }
}
