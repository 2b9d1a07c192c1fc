package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A primary and a read-only standby (real mariadbd processes), the agent account on both, and a
 * config written by {@code qrepl init}: the setting of every end-to-end test.
 */
final class ReplicationPair implements AutoCloseable {
    final MariaDbServer primary;
    final MariaDbServer standby;
    final Path dir;
    final Path config;
    final int linkPort;

    ReplicationPair(Path dir) throws Exception {
        this(dir, text -> text);
    }

    /**
     * @param configEdit     changes the text {@code qrepl init} wrote, as an operator would edit the file
     * @param primaryOptions mariadbd options for the primary, over the defaults
     */
    ReplicationPair(Path dir, java.util.function.UnaryOperator<String> configEdit, String... primaryOptions) throws Exception {
        this(dir, configEdit, primaryOptions, new String[0]);
    }

    /**
     * A pair whose standby is configured as install.md asks: {@code max_allowed_packet} four times the
     * primary's (16 MiB, the default), so that any row the primary holds can be applied.
     */
    static ReplicationPair asInstalled(Path dir) throws Exception {
        return new ReplicationPair(dir, text -> text, new String[0], new String[] {"--max-allowed-packet=64M"});
    }

    /** A pair whose standby writes a binlog as the primary does: it can become the primary by switchover. */
    static ReplicationPair switchable(Path dir, java.util.function.UnaryOperator<String> configEdit) throws Exception {
        return new ReplicationPair(dir, configEdit, new String[0], new String[] {"--log-bin=mysql-bin", "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--binlog-row-metadata=FULL"});
    }

    private ReplicationPair(Path dir, java.util.function.UnaryOperator<String> configEdit, String[] primaryOptions,
                            String[] standbyOptions) throws Exception {
        this.dir = dir;
        primary = MariaDbServer.primary(primaryOptions);
        standby = MariaDbServer.standby(standbyOptions);
        for (MariaDbServer s : List.of(primary, standby)) {
            s.execute("SET sql_log_bin=0", "CREATE USER 'qrepl'@'%' IDENTIFIED BY '" + MariaDbServer.PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'");
        }
        Path pw = MariaDbServer.passwordFile(dir);
        linkPort = MariaDbServer.freePort();
        config = dir.resolve("qreplicator.yaml");
        int rc = Main.run("init", "--primary", "127.0.0.1:" + primary.port(), "--standby", "127.0.0.1:" + standby.port(),
                "--user", "qrepl", "--password-file", pw.toString(), "--data-dir", dir.toString(),
                "--link", "127.0.0.1:" + linkPort, "--output", config.toString());
        assertThat(rc).isZero();
        Files.writeString(config, configEdit.apply(Files.readString(config)));
    }

    /**
     * A config edit giving the source and the sink a monitoring endpoint on these ports (0: none), with
     * {@code options} added inside the section (e.g. {@code ", tls: false"}).
     */
    static java.util.function.UnaryOperator<String> monitoring(int sourcePort, int sinkPort, String options) {
        return c -> {
            String out = c;
            if (sourcePort > 0) {
                out = out.replace("    node: primary\n", "    node: primary\n    monitoring: {listen: 127.0.0.1:" + sourcePort + options + "}\n");
            }
            if (sinkPort > 0) {
                out = out.replace("    node: standby\n", "    node: standby\n    monitoring: {listen: 127.0.0.1:" + sinkPort + options + "}\n");
            }
            return out;
        };
    }

    AgentProcess source() throws Exception {
        return new AgentProcess(dir.resolve("source.log"), "source", "run", "-c", config.toString()).start();
    }

    AgentProcess sink() throws Exception {
        return new AgentProcess(dir.resolve("sink.log"), "sink", "run", "-c", config.toString()).start();
    }

    /**
     * Waits until the source has attached: its start position is chosen and spooled (its status file
     * shows seq 1 or more). Anything the primary writes after this reaches the standby.
     */
    void awaitSourceAttached(AgentProcess source) throws Exception {
        Path status = dir.resolve("source").resolve("status.properties");
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!Files.exists(status)) {
                    return false;
                }
                java.util.Properties p = new java.util.Properties();
                try (var r = Files.newBufferedReader(status)) {
                    p.load(r);
                }
                return Long.parseLong(p.getProperty("source.spooled.seq", "0")) >= 1;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the source did not attach within 60 s; log:\n" + source.logText(), e);
        }
    }

    /**
     * Waits until the standby has applied at least the primary's current GTID position (the source's
     * heartbeats keep the primary moving, so "at least", per replication domain).
     */
    void awaitCaughtUp(Duration timeout) throws Exception {
        String want = primary.queryOne("SELECT @@gtid_binlog_pos");
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                return reached(standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint"), want);
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
    }

    /** As {@link #awaitCaughtUp(Duration)}, failing with where each side stands and the agents' log tails. */
    void awaitCaughtUp(Duration timeout, AgentProcess... agents) throws Exception {
        try {
            awaitCaughtUp(timeout);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder("not caught up within " + timeout + "; primary at "
                    + primary.queryOne("SELECT @@gtid_binlog_pos") + ", standby at "
                    + standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint"));
            for (AgentProcess a : agents) {
                String log = a.logText();
                sb.append("\n--- log tail:\n").append(log.length() > 6000 ? log.substring(log.length() - 6000) : log);
            }
            throw new AssertionError(sb.toString(), e);
        }
    }

    /** True when MariaDB GTID state {@code applied} is at or past {@code wanted} in every domain of {@code wanted}. */
    static boolean reached(String applied, String wanted) {
        if (applied == null) {
            return false;
        }
        java.util.Map<String, Long> got = new java.util.HashMap<>();
        for (String g : applied.split(",")) {
            String[] p = g.trim().split("-");
            if (p.length == 3) {
                got.put(p[0], Long.parseLong(p[2]));
            }
        }
        for (String g : wanted.split(",")) {
            String[] p = g.trim().split("-");
            if (p.length == 3 && got.getOrDefault(p[0], -1L) < Long.parseLong(p[2])) {
                return false;
            }
        }
        return true;
    }

    /** Every table of every user schema holds the same rows on both servers (compared value by value). */
    void assertSameData() throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = primary.rootConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CONCAT('`', table_schema, '`.`', table_name, '`') FROM information_schema.tables"
                     + " WHERE table_type IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') AND table_schema NOT IN"
                     + " ('mysql', 'information_schema', 'performance_schema', 'sys', 'qreplicator')")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).isNotEmpty();
        for (String t : tables) {
            assertThat(TableContents.of(standby, t)).as("contents of %s on the standby", t).isEqualTo(TableContents.of(primary, t));
            if (!hasGeneratedColumns(primary, t)) {
                assertThat(checksum(standby, t)).as("CHECKSUM TABLE %s", t).isEqualTo(checksum(primary, t));
            }
        }
    }

    /**
     * MariaDB 10.11's CHECKSUM TABLE is no function of the rows for some tables with a generated column:
     * the same server gives another checksum for the same rows after FLUSH TABLES (seen with a STORED
     * column and a unique key, found by RandomTransactionsIT). Their rows are compared value by value only.
     * Read from SHOW CREATE TABLE: a query of information_schema.columns here was followed once by a
     * segfault of the primary (RandomTransactionsIT soak, seed 1796241942177, batch 3).
     */
    private static boolean hasGeneratedColumns(MariaDbServer s, String table) throws Exception {
        try (Connection c = s.rootConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + table)) {
            rs.next();
            return rs.getString(2).contains(" GENERATED ALWAYS AS ");
        }
    }

    private static String checksum(MariaDbServer s, String table) throws Exception {
        try (Connection c = s.rootConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("CHECKSUM TABLE " + table + " EXTENDED")) {
            rs.next();
            return rs.getString(2);
        }
    }

    /** SIGTERM to each agent that was started (each must stop cleanly), then the servers go. */
    void stopAgentsAndClose(AgentProcess source, AgentProcess sink) throws Exception {
        try {
            if (source != null) {
                assertThat(source.stop()).as("source exit code on SIGTERM; log:\n%s", source.logText()).isIn(0, 143);
            }
            if (sink != null) {
                assertThat(sink.stop()).as("sink exit code on SIGTERM; log:\n%s", sink.logText()).isIn(0, 143);
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() throws Exception {
        AgentProcess.killAllOf(config);
        primary.close();
        standby.close();
        Files.deleteIfExists(config);
    }
}
