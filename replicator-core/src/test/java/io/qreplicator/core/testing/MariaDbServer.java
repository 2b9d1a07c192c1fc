package io.qreplicator.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code mariadbd} for tests: its own data dir under a temporary folder, a free loopback
 * port, started by {@link #start}, stopped (and its files removed) by {@link #close}. A JVM shutdown
 * hook stops it too, so a failed test run leaves no server behind.
 *
 * <p>Roles: {@link #primary()} writes a ROW binlog with full metadata; {@link #standby()} runs
 * read-only. Extra server options can be appended (e.g. {@code --binlog-format=STATEMENT}).
 */
public final class MariaDbServer implements AutoCloseable {
    public static final String PASSWORD = "qrepl-test-pw";

    private final Path dataDir;
    private final int port;
    private final List<String> options;
    private Process process;

    private MariaDbServer(Path dataDir, int port, List<String> options) {
        this.dataDir = dataDir;
        this.port = port;
        this.options = options;
    }

    public static MariaDbServer primary(String... extraOptions) throws Exception {
        List<String> o = new ArrayList<>(List.of("--log-bin=mysql-bin", "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--binlog-row-metadata=FULL"));
        o.addAll(List.of(extraOptions));
        return start(o);
    }

    public static MariaDbServer standby(String... extraOptions) throws Exception {
        List<String> o = new ArrayList<>(List.of("--read-only"));
        o.addAll(List.of(extraOptions));
        return start(o);
    }

    public static MariaDbServer start(List<String> options) throws Exception {
        Path dir = Files.createTempDirectory("qrepl-mariadb-");
        MariaDbServer s = new MariaDbServer(dir, freePort(), options);
        s.install();
        s.launch();
        Runtime.getRuntime().addShutdownHook(new Thread(s::kill));
        return s;
    }

    /**
     * A loopback port free now. With integration tests run in several JVMs at once (the pom's
     * {@code it.forks}), each JVM takes only ports of its own share, so that two of them can never be
     * handed the same port between its check here and its server's bind. The share is by port / 2:
     * Linux hands out odd ports only for a bind to port 0 (even ones go to connect()).
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = listen(1)) {
            return s.getLocalPort();
        }
    }

    /** A loopback server socket on a port of this JVM's share ({@link #freePort}), for a test's own listener. */
    public static ServerSocket listen(int backlog) throws IOException {
        int forks = Integer.getInteger("qrepl.test.forks", 1);
        int fork = Integer.getInteger("qrepl.test.fork", 1);
        for (int tries = 0; tries < 10_000; tries++) {
            ServerSocket s = new ServerSocket(0, backlog, java.net.InetAddress.getLoopbackAddress());
            if (forks <= 1 || (s.getLocalPort() / 2) % forks == fork % forks) {
                return s;
            }
            s.close();
        }
        throw new IllegalStateException("no free loopback port of fork " + fork + "'s share (port / 2 % " + forks + ") in 10,000 tries");
    }

    public static String binary(String name) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")) {
            if (Files.isExecutable(Path.of(d, name))) {
                return d + "/" + name;
            }
        }
        throw new IllegalStateException(name + " not found: install MariaDB (scripts/test.sh does: apt-get install mariadb-server)");
    }

    /** A fresh data dir made once per JVM by mariadb-install-db, copied for each server (2 s saved per server). */
    private static Path template;

    private void install() throws Exception {
        Files.createDirectories(dataDir.resolve("tmp")); // not the shared /tmp: see launch()
        Path data = installedTemplate();
        Process cp = new ProcessBuilder("cp", "-a", data.toString(), dataDir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("install.log").toFile()).start();
        if (!cp.waitFor(120, TimeUnit.SECONDS) || cp.exitValue() != 0) {
            throw new IllegalStateException("copying the installed data dir failed: " + Files.readString(dataDir.resolve("install.log")));
        }
    }

    private static synchronized Path installedTemplate() throws Exception {
        if (template != null) {
            return template.resolve("data");
        }
        Path dir = Files.createTempDirectory("qrepl-mariadb-template-");
        Files.createDirectories(dir.resolve("tmp"));
        Process p = new ProcessBuilder(binary("mariadb-install-db"), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db", "--tmpdir=" + dir.resolve("tmp"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        template = dir;
        return dir.resolve("data");
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it up in the end
        }
    }

    private void launch() throws Exception {
        // its own tmpdir: internal temporary tables in a /tmp shared with other servers and test runs
        // were found removed under a running standby and under mariadb-install-db
        // ("Error on delete of '/tmp/#sql-temptable-...'")
        Files.createDirectories(dataDir.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of(binary("mariadbd"), "--no-defaults", "--user=root",
                "--datadir=" + dataDir.resolve("data"), "--tmpdir=" + dataDir.resolve("tmp"), "--socket=" + dataDir.resolve("s.sock"),
                "--pid-file=" + dataDir.resolve("m.pid"), "--log-error=" + dataDir.resolve("err.log"),
                "--port=" + port, "--bind-address=127.0.0.1", "--server-id=" + (port % 100000 + 1),
                "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M",
                "--skip-innodb-adaptive-hash-index", "--performance-schema=OFF", "--max-connections=200"));
        cmd.addAll(options);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("stdout.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited: " + errorLog());
            }
            try (Connection c = rootConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT @@datadir")) {
                rs.next();
                if (!Path.of(rs.getString(1)).toRealPath().equals(dataDir.resolve("data").toRealPath())) { // another process's server or proxy on this port
                    throw new IllegalStateException("port " + port + " answers as the server of " + rs.getString(1)
                            + ", not this one (" + dataDir.resolve("data") + ")");
                }
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("mariadbd did not accept connections within 60 s: " + last + "\n" + errorLog());
    }

    public String errorLog() {
        try {
            return Files.readString(dataDir.resolve("err.log"));
        } catch (IOException e) {
            return "(no error log)";
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path dataDir() {
        return dataDir;
    }

    public Connection rootConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?user=root&connectTimeout=2000");
    }

    /** Runs statements as root, one after the other. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = rootConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** First column of the first row as a string (null if none). */
    public String queryOne(String sql) throws SQLException {
        try (Connection c = rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of {@code sql}, each column as a string (null for NULL). */
    public java.util.List<java.util.List<String>> queryRows(String sql) throws SQLException {
        java.util.List<java.util.List<String>> out = new java.util.ArrayList<>();
        try (Connection c = rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                java.util.List<String> row = new java.util.ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Creates the account the agents use, with the privileges a source and a sink need. */
    public void createAgentUser(String user) throws SQLException {
        execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'%'");
    }

    /** Writes {@link #PASSWORD} to a file, as a config's password-file. */
    public static Path passwordFile(Path dir) throws IOException {
        Path f = dir.resolve("password");
        Files.writeString(f, PASSWORD + "\n");
        return f;
    }

    /** SIGTERM and wait: a clean shutdown. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** SIGKILL: a crash. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the same server again on the same port and data. */
    public void restart() throws Exception {
        stop();
        launch();
    }

    @Override
    public void close() throws Exception {
        stop();
        // files may still vanish under the walk (the server's own pid file): keep going, then check
        for (int attempt = 0; attempt < 3 && Files.exists(dataDir); attempt++) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.UncheckedIOException | IOException e) {
                Thread.sleep(200);
            }
        }
        if (Files.exists(dataDir)) {
            System.err.println("could not delete the test server's directory " + dataDir);
        }
    }
}
