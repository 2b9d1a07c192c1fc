package io.qreplicator.source.fencing;

import io.qreplicator.core.config.NodeConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Fencing an old primary: after it, no application can commit a write on it.
 *
 * <p>{@code read_only = 1} alone does not fence: accounts that hold the privilege which bypasses it
 * (MariaDB 10.11+: {@code READ ONLY ADMIN}; older MariaDB and MySQL: {@code SUPER}, which MySQL's
 * {@code super_read_only} closes) keep writing, and so do their open sessions. So this sets
 * read-only (both variables on MySQL), waits at most a grace period for commits in flight (the
 * statement waits for them), then disconnects every client session of an account that can still
 * write, and names those accounts: they can reconnect and write, which only the operator (a hook
 * that cuts the network, or revoking the privilege) can prevent.
 */
public final class PrimaryFence {
    private PrimaryFence() {
    }

    /**
     * @param fenced          read-only is set
     * @param detail          what was done or why it could not be
     * @param bypassAccounts  accounts that can write despite read-only
     * @param killed          sessions disconnected (id and account)
     */
    public record Result(boolean fenced, String detail, List<String> bypassAccounts, List<String> killed) {
    }

    /**
     * Connects to {@code n} within {@code connectTimeout} and fences it: read-only first, then the
     * look-ups, so that a look-up that fails leaves the server read-only. Unreachable is a
     * {@link Result} that is not fenced.
     */
    public static Result fence(NodeConfig n, Duration connectTimeout, Duration grace) {
        try (Connection c = connect(n, connectTimeout); Statement st = c.createStatement()) {
            boolean mysql = n.flavor() == NodeConfig.Flavor.MYSQL;
            waitAtMost(st, grace);
            setReadOnly(st, mysql);
            List<String> bypass = bypassAccounts(st, mysql);
            return disconnect(st, n, mysql, bypass, Set.of(connectionId(st)));
        } catch (SQLException e) {
            return notFenced(n, e);
        }
    }

    private static Result notFenced(NodeConfig n, SQLException e) {
        return new Result(false, "could not fence " + n.name() + " " + n.address() + ": " + e.getMessage(), List.of(), List.of());
    }

    /** Setting read-only on this session waits at most {@code grace} for commits in flight. */
    private static void waitAtMost(Statement st, Duration grace) throws SQLException {
        st.execute("SET SESSION lock_wait_timeout = " + Math.max(1, grace.toSeconds()));
    }

    private static void setReadOnly(Statement st, boolean mysql) throws SQLException {
        st.execute(mysql ? "SET GLOBAL super_read_only = 1" : "SET GLOBAL read_only = 1");
    }

    /**
     * Lifts the fence: {@code read_only} (and MySQL's {@code super_read_only}) off on {@code n}, through
     * {@code c}, a connection to it; what was done, for a timeline.
     */
    public static String lift(Connection c, NodeConfig n) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (n.flavor() == NodeConfig.Flavor.MYSQL) {
                st.execute("SET GLOBAL super_read_only = 0");
            }
            st.execute("SET GLOBAL read_only = 0");
            return "read_only = 0 on " + n.name() + " " + n.address();
        }
    }

    /**
     * {@code read_only} on {@code n}, as a standby is: sessions are left alone, and MySQL's
     * {@code super_read_only} is not set (a switchover's rollback puts a standby back; to fence a
     * primary, use {@link #fence}); what was done, for a timeline.
     */
    public static String readOnly(Connection c, NodeConfig n) throws SQLException {
        try (Statement st = c.createStatement()) {
            setReadOnly(st, false);
            return "read_only = 1 on " + n.name() + " " + n.address();
        }
    }

    public static long connectionId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Disconnects every client session of a {@code bypass} account but those in {@code spare}; read-only is set. */
    private static Result disconnect(Statement st, NodeConfig n, boolean mysql, List<String> bypass, Set<Long> spare)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<String> who = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT ID, USER, HOST, COMMAND FROM information_schema.PROCESSLIST"
                + " WHERE COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID')"
                + " AND USER NOT IN ('system user', 'event_scheduler', '')")) {
            while (rs.next()) {
                String account = "'" + rs.getString(2) + "'@'";
                if (!spare.contains(rs.getLong(1)) && bypass.stream().anyMatch(a -> a.startsWith(account))) {
                    ids.add(rs.getLong(1));
                    who.add(rs.getLong(1) + " " + rs.getString(2) + "@" + rs.getString(3));
                }
            }
        }
        List<String> killed = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            try {
                st.execute("KILL CONNECTION " + ids.get(i));
                killed.add(who.get(i));
            } catch (SQLException gone) {
                // it ended by itself meanwhile
            }
        }
        return new Result(true, (mysql ? "super_read_only" : "read_only") + " = 1 on " + n.name() + " " + n.address(),
                bypass, killed);
    }

    /**
     * A fence made ready on an open connection ahead of the moment it is needed, so that fencing
     * itself costs two round trips and the disconnections: the session's lock wait and the
     * accounts that bypass read-only are read here. Across datacenters a new connection costs
     * several round trips and each statement one ({@code qrepl switchover} fences inside its write
     * pause). An account granted the bypass
     * between the two is not disconnected; a switchover still sees its writes (it compares the old
     * primary's position after the standby has applied up to the stand-down row).
     */
    public static final class Ready {
        private final Connection c;
        private final NodeConfig n;
        private final boolean mysql;
        private final List<String> bypass;
        private final Set<Long> spare;

        private Ready(Connection c, NodeConfig n, boolean mysql, List<String> bypass, Set<Long> spare) {
            this.c = c;
            this.n = n;
            this.mysql = mysql;
            this.bypass = bypass;
            this.spare = spare;
        }

        /**
         * Reads what the fence needs on {@code c}, which the caller keeps open until {@link #fence}
         * and closes.
         *
         * @param grace  how long setting read-only waits for commits in flight
         * @param spared sessions of the caller's own, which the fence leaves connected (this one is too)
         */
        public static Ready on(Connection c, NodeConfig n, Duration grace, Set<Long> spared) throws SQLException {
            boolean mysql = n.flavor() == NodeConfig.Flavor.MYSQL;
            try (Statement st = c.createStatement()) {
                waitAtMost(st, grace);
                List<String> bypass = bypassAccounts(st, mysql);
                Set<Long> spare = new HashSet<>(spared);
                spare.add(connectionId(st));
                return new Ready(c, n, mysql, bypass, Set.copyOf(spare));
            }
        }

        /** Sets read-only, then disconnects every client session of an account that can still write. */
        public Result fence() {
            try (Statement st = c.createStatement()) {
                setReadOnly(st, mysql);
                return disconnect(st, n, mysql, bypass, spare);
            } catch (SQLException e) {
                return notFenced(n, e);
            }
        }
    }

    /** Accounts whose privileges let them write while read-only is set (not counting our own). */
    public static List<String> bypassAccounts(Statement st, boolean mysql) throws SQLException {
        String privilege;
        if (mysql) {
            return List.of(); // super_read_only holds SUPER too
        }
        try (ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            String[] v = rs.getString(1).split("[.-]");
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            // MDEV-29596: from 10.11, SUPER no longer bypasses read_only; READ ONLY ADMIN does
            privilege = major > 10 || (major == 10 && minor >= 11) ? "READ_ONLY ADMIN" : "SUPER";
        }
        List<String> out = new ArrayList<>();
        // every account's rows are visible with SELECT on mysql.global_priv (docs/install.md); roles are not expanded.
        // Our own account is left out: it writes nothing on a read-only primary (HeartbeatWriter).
        try (ResultSet rs = st.executeQuery("SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES"
                + " WHERE PRIVILEGE_TYPE IN ('" + privilege + "', '" + privilege.replace('_', ' ') + "')"
                + " AND GRANTEE <> CONCAT('\\'', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '\\'@\\'',"
                + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '\\'') ORDER BY GRANTEE")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** What a look at a server found: it does not answer, it answers read-only or writable, or it refused us. */
    public enum State { UNREACHABLE, READ_ONLY, WRITABLE, REFUSED }

    /**
     * @param state  what was found
     * @param detail the server's error when it refused us or did not answer
     */
    public record Look(State state, String detail) {
    }

    /**
     * Whether {@code n} answers, and whether it takes writes. Only a failed connection counts as
     * "does not answer" (SQLState class 08, a timeout): a server that answers with an error (access
     * denied, too many connections) is alive, and may be writable, so it is {@link State#REFUSED}.
     */
    public static Look look(NodeConfig n, Duration connectTimeout) {
        try (Connection c = connect(n, connectTimeout); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            return new Look(rs.getBoolean(1) ? State.READ_ONLY : State.WRITABLE, "");
        } catch (SQLException e) {
            boolean unreachable = io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e);
            return new Look(unreachable ? State.UNREACHABLE : State.REFUSED, e.getMessage());
        }
    }

    /** Whether {@code n} takes writes; null when it does not answer or refuses us. */
    public static Boolean writable(NodeConfig n, Duration connectTimeout) {
        Look l = look(n, connectTimeout);
        return switch (l.state()) {
            case WRITABLE -> true;
            case READ_ONLY -> false;
            default -> null;
        };
    }

    public static Connection connect(NodeConfig n, Duration connectTimeout) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", n.user());
        p.setProperty("password", n.password() == null ? "" : n.password());
        p.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
        p.setProperty("socketTimeout", "30000");
        return DriverManager.getConnection("jdbc:mariadb://" + n.address() + "/", p);
    }
}
