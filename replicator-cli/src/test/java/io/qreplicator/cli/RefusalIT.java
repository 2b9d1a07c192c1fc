package io.qreplicator.cli;

import io.qreplicator.cli.commands.ExitCodes;
import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each way a primary or standby can be unfit: the agent refuses at start with exit code 3 and a
 * message that names the problem and the fix, and writes nothing.
 */
class RefusalIT {

    record Result(int exitCode, String stderr) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    static Path config(Path dir, MariaDbServer primary, int standbyPort, String user, String password) throws Exception {
        Path pw = dir.resolve("pw-" + user);
        Files.writeString(pw, password + "\n");
        Path cfg = dir.resolve("q-" + user + "-" + standbyPort + ".yaml");
        Result r = run("init", "--primary", "127.0.0.1:" + primary.port(), "--standby", "127.0.0.1:" + standbyPort,
                "--user", user, "--password-file", pw.toString(), "--data-dir", dir.resolve("data-" + user).toString(),
                "--link", "127.0.0.1:" + MariaDbServer.freePort(), "--output", cfg.toString(), "--force");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return cfg;
    }

    static void assertRefused(Result r, String... fragments) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCodes.REFUSED);
        for (String f : fragments) {
            assertThat(r.stderr()).contains(f);
        }
    }

    @Test
    void primaryWithoutBinlog(@TempDir Path dir) throws Exception {
        try (MariaDbServer p = MariaDbServer.start(java.util.List.of("--skip-log-bin"))) {
            p.createAgentUser("qrepl");
            Path cfg = config(dir, p, p.port(), "qrepl", MariaDbServer.PASSWORD);
            assertRefused(run("source", "run", "-c", cfg.toString()), "binary logging is off", "log-bin");
            assertThat(dir.resolve("data-qrepl/source/spool")).doesNotExist();
        }
    }

    @Test
    void primaryInStatementFormat(@TempDir Path dir) throws Exception {
        try (MariaDbServer p = MariaDbServer.primary("--binlog-format=STATEMENT")) {
            p.createAgentUser("qrepl");
            Path cfg = config(dir, p, p.port(), "qrepl", MariaDbServer.PASSWORD);
            assertRefused(run("source", "run", "-c", cfg.toString()), "binlog_format is STATEMENT", "SET GLOBAL binlog_format=ROW");
        }
    }

    @Test
    void wrongPasswordAndMissingPrivileges(@TempDir Path dir) throws Exception {
        try (MariaDbServer p = MariaDbServer.primary()) {
            p.createAgentUser("qrepl");
            p.execute("CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'", "GRANT SELECT ON *.* TO 'plain'@'%'",
                    "CREATE USER 'monitor'@'%' IDENTIFIED BY 'pw'", "GRANT SELECT, BINLOG MONITOR ON *.* TO 'monitor'@'%'");
            Path wrong = config(dir, p, p.port(), "qrepl", "not-the-password");
            assertRefused(run("source", "run", "-c", wrong.toString()), "access denied for user 'qrepl'", "check the password in");
            Path plain = config(dir, p, p.port(), "plain", "pw");
            assertRefused(run("source", "run", "-c", plain.toString()), "may not read the binlog position", "GRANT REPLICATION SLAVE");
            Path monitor = config(dir, p, p.port(), "monitor", "pw");
            assertRefused(run("source", "run", "-c", monitor.toString()), "lacks the REPLICATION SLAVE privilege");
        }
    }

    @Test
    void standbyWritableOrWithoutReadOnlyAdmin(@TempDir Path dir) throws Exception {
        // (an unreachable standby is waited for, not refused: AgentStartWaitsForDatabaseIT)
        try (MariaDbServer p = MariaDbServer.primary(); MariaDbServer writable = MariaDbServer.start(java.util.List.of());
             MariaDbServer standby = MariaDbServer.standby()) {
            writable.createAgentUser("qrepl");
            Path open = config(dir, p, writable.port(), "qrepl", MariaDbServer.PASSWORD);
            assertRefused(run("sink", "run", "-c", open.toString()), "read_only=OFF", "SET GLOBAL read_only=ON");

            standby.execute("CREATE USER 'weak'@'%' IDENTIFIED BY 'pw'", "GRANT ALL PRIVILEGES ON `qreplicator`.* TO 'weak'@'%'");
            Path weak = config(dir, p, standby.port(), "weak", "pw");
            assertRefused(run("sink", "run", "-c", weak.toString()), "cannot write to standby", "READ_ONLY ADMIN");
        }
    }
}
