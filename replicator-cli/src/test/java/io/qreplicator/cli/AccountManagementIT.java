package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts replicate only with {@code filters.account-management: true}: CREATE/ALTER/RENAME/DROP
 * USER, GRANT and REVOKE of privileges and roles, SET PASSWORD arrive as the primary ran them, and
 * the standby's accounts end up as the primary's (privileges, roles, password hashes).
 */
class AccountManagementIT {
    @TempDir
    Path dir;

    private static final String ACCOUNTS = "SELECT GROUP_CONCAT(CONCAT(user, '@', host, ' ', priv) ORDER BY user, host"
            + " SEPARATOR '\\n') FROM mysql.global_priv WHERE user IN ('app', 'app2', 'reporting', 'dba')";
    private static final String DB_PRIVS = "SELECT GROUP_CONCAT(CONCAT_WS(' ', user, host, db, select_priv, insert_priv,"
            + " update_priv) ORDER BY user, host, db SEPARATOR '\\n') FROM mysql.db WHERE user IN ('app', 'app2', 'reporting')";
    private static final String ROLES = "SELECT GROUP_CONCAT(CONCAT_WS(' ', user, host, role, admin_option) ORDER BY user, host,"
            + " role SEPARATOR '\\n') FROM mysql.roles_mapping WHERE (role LIKE 'reporting%' OR user LIKE 'reporting%') AND user <> 'qrepl'";
    private static final String ROOT_PRIVS = "SELECT GROUP_CONCAT(CONCAT_WS(' ', user, host, db, select_priv) ORDER BY user, host, db"
            + " SEPARATOR '\\n') FROM mysql.db WHERE db = 'acc' AND user = 'root'";
    private static final String ROOT_LIMITS = "SELECT CONCAT(JSON_VALUE(priv, '$.max_user_connections'), ' ', COUNT(*)) FROM"
            + " mysql.global_priv WHERE user = 'root' AND host = '127.0.0.1'";

    @Test
    void accountsPrivilegesAndRolesArriveAsThePrimaryHasThem() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("account-management: false", "account-management: true"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE acc", "CREATE TABLE acc.t (id INT PRIMARY KEY)",
                    "CREATE USER 'app'@'10.%' IDENTIFIED BY 's3cret-one'",
                    "GRANT SELECT, INSERT ON acc.* TO 'app'@'10.%'",
                    "CREATE ROLE reporting",
                    "GRANT SELECT ON acc.* TO reporting",
                    "GRANT reporting TO 'app'@'10.%'",
                    "ALTER USER 'app'@'10.%' WITH MAX_QUERIES_PER_HOUR 100",
                    "SET PASSWORD FOR 'app'@'10.%' = PASSWORD('s3cret-two')",
                    "CREATE USER 'app2'@'%' IDENTIFIED BY 'x'",
                    "RENAME USER 'app2'@'%' TO 'app2'@'192.168.%'",
                    "REVOKE INSERT ON acc.* FROM 'app'@'10.%'",
                    "GRANT UPDATE ON acc.* TO 'app2'@'192.168.%'",
                    "CREATE OR REPLACE ROLE reporting2",
                    "GRANT SELECT ON acc.* TO CURRENT_USER",
                    "ALTER USER CURRENT_USER() WITH MAX_USER_CONNECTIONS 1000",
                    "CREATE USER 'dba'@'%' IDENTIFIED BY 'dba-first'",
                    "GRANT ALL PRIVILEGES ON *.* TO 'dba'@'%' WITH GRANT OPTION",
                    "INSERT INTO acc.t VALUES (1)");
            // the sink's account holds ALL PRIVILEGES but not GRANT OPTION: the first GRANT stops it, saying what to give
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("GRANT SELECT, INSERT ON acc.*", "Access denied", "WITH GRANT OPTION");
            pair.standby.execute("GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%' WITH GRANT OPTION");
            sink = pair.sink();
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            try (java.sql.Connection dba = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.primary.port()
                    + "/?user=dba&password=dba-first"); java.sql.Statement st = dba.createStatement()) {
                st.execute("ALTER USER CURRENT_USER() WITH MAX_USER_CONNECTIONS 7"); // dba's own, not the sink's
                st.execute("CREATE ROLE IF NOT EXISTS reporting"); // there: nothing changes on the primary, nor here
                st.execute("INSERT INTO acc.t VALUES (3)");
            }
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            // run for the primary's root, never for the sink's own account: the roles' admin, the grant, the limit
            for (String q : new String[] {ACCOUNTS, DB_PRIVS, ROLES, ROOT_PRIVS, ROOT_LIMITS}) {
                assertThat(pair.standby.queryOne(q)).as(q).isNotNull().isEqualTo(pair.primary.queryOne(q));
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM mysql.global_priv WHERE user = 'app2' AND host = '192.168.%'"))
                    .isEqualTo("1");

            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM mysql.db WHERE user = 'qrepl'")).as("nothing granted to the sink")
                    .isEqualTo("0");
            String sinkAccount = "SELECT priv FROM mysql.global_priv WHERE user = 'qrepl'";
            assertThat(pair.standby.queryOne(sinkAccount)).as("the sink's own account unchanged").doesNotContain("1000");
            // the one difference, documented: the sink's account is an admin of each role too, so that it can grant it
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(role, ' ', admin_option ORDER BY role) FROM mysql.roles_mapping"
                    + " WHERE user = 'qrepl'")).isEqualTo("reporting Y,reporting2 Y");
            assertThat(sink.logText()).contains("runs as ALTER USER 'dba'@'%' WITH MAX_USER_CONNECTIONS 7",
                    "for the account it ran for on the primary");

            pair.primary.execute("DROP USER 'app'@'10.%', 'app2'@'192.168.%', 'dba'@'%'", "DROP ROLE reporting", "DROP ROLE reporting2",
                    "REVOKE SELECT ON acc.* FROM CURRENT_USER", "INSERT INTO acc.t VALUES (2)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM mysql.global_priv WHERE user IN ('app', 'app2', 'reporting')"))
                    .isEqualTo("0");
            assertThat(pair.standby.queryOne(ROOT_PRIVS)).isNull();
            pair.assertSameData();
            assertThat(sink.logText() + source.logText()).as("no password in the agents' logs")
                    .doesNotContain("s3cret-one").doesNotContain("s3cret-two");
            sink.close();
        }
    }

    /**
     * MariaDB logs a role granted to CURRENT_USER without the account it stood for: run by the sink it
     * would be granted to the sink's own account. The sink stops, naming it, and the operator's way
     * past is the one the message gives.
     */
    @Test
    void aRoleGrantedToTheCurrentUserStopsTheSinkWithWhatToDo() throws Exception {
        try (ReplicationPair pair = accountsReplicated(); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE rg", "CREATE TABLE rg.t (id INT PRIMARY KEY)", "CREATE ROLE auditor");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.primary.execute("GRANT auditor TO CURRENT_USER", "INSERT INTO rg.t VALUES (1)");
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("GRANT auditor TO CURRENT_USER", "does not say which account", "qrepl sink skip");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM rg.t")).as("stopped there, nothing after it applied").isEqualTo("0");
            try (AgentProcess again = pair.sink()) { // as the unit restarts it: refused again, for the same reason
                assertThat(again.waitForExit(60)).as(again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("does not say which account").doesNotContain("went through on the standby");
            }
        }
    }

    /**
     * MariaDB logs a password set for CURRENT_USER but leaves the password as it was: run for the
     * account by name, the standby would change it. The sink stops, naming it, its password masked.
     */
    @Test
    void aPasswordSetForTheCurrentUserStopsTheSink() throws Exception {
        try (ReplicationPair pair = accountsReplicated(); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE pw", "CREATE TABLE pw.t (id INT PRIMARY KEY)",
                    "CREATE USER 'dba'@'%' IDENTIFIED BY 'dba-first'", "GRANT ALL PRIVILEGES ON *.* TO 'dba'@'%' WITH GRANT OPTION");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            String hash = "SELECT JSON_VALUE(priv, '$.authentication_string') FROM mysql.global_priv WHERE user = 'dba'";
            String before = pair.primary.queryOne(hash);
            try (java.sql.Connection dba = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.primary.port()
                    + "/?user=dba&password=dba-first"); java.sql.Statement st = dba.createStatement()) {
                st.execute("ALTER USER CURRENT_USER() IDENTIFIED BY 's3cret-three'");
            }
            assertThat(pair.primary.queryOne(hash)).as("the primary kept the password (MariaDB 10.11)").isEqualTo(before);
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("password for CURRENT_USER", "IDENTIFIED BY '***'").doesNotContain("s3cret-three");
            assertThat(pair.standby.queryOne(hash)).as("nor did the standby change it").isEqualTo(before);
        }
    }

    /**
     * MariaDB accepts a role's admin that is no account; the standby does not grant a role to one.
     * The sink stops after creating the role, and once the operator has created the account, its
     * restart meets the role "already there" and grants it.
     */
    @Test
    void aRoleWhoseAdminIsNoAccountStopsTheSinkUntilTheAccountIsThere() throws Exception {
        try (ReplicationPair pair = accountsReplicated(); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE gh", "CREATE TABLE gh.t (id INT PRIMARY KEY)",
                    "CREATE ROLE ops WITH ADMIN 'ghost'@'%'", "INSERT INTO gh.t VALUES (1)");
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("could not be granted to the admin", "ACCOUNT LOCK");
            pair.standby.execute("CREATE USER 'ghost'@'%' ACCOUNT LOCK");
            try (AgentProcess again = pair.sink()) {
                pair.awaitCaughtUp(Duration.ofSeconds(60), source, again);
                assertThat(again.logText()).contains("was already applied before the last stop");
            }
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(user, ' ', admin_option) FROM mysql.roles_mapping WHERE role = 'ops'"
                    + " AND user <> 'qrepl'")).isEqualTo(pair.primary.queryOne("SELECT GROUP_CONCAT(user, ' ', admin_option)"
                    + " FROM mysql.roles_mapping WHERE role = 'ops'")).isEqualTo("ghost Y");
            pair.assertSameData();
        }
    }

    /** By default accounts stay out: each datacenter keeps its own. */
    @Test
    void withoutAccountManagementNoAccountStatementReachesTheStandby() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c); AgentProcess source = pair.source(); AgentProcess sink = pair.sink()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE na", "CREATE TABLE na.t (id INT PRIMARY KEY)",
                    "CREATE USER 'app'@'%' IDENTIFIED BY 'x'", "CREATE OR REPLACE USER 'app2'@'%' IDENTIFIED BY 'y'",
                    "CREATE OR REPLACE ROLE r9", "GRANT SELECT ON na.* TO 'app'@'%'", "SET PASSWORD FOR 'app'@'%' = PASSWORD('z')",
                    "INSERT INTO na.t VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM mysql.global_priv WHERE user IN ('app', 'app2', 'r9')"))
                    .isEqualTo("0");
        }
    }

    /** A pair that replicates accounts, its sink's account allowed to grant (docs/install.md). */
    private ReplicationPair accountsReplicated() throws Exception {
        ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("account-management: false", "account-management: true"));
        pair.standby.execute("GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%' WITH GRANT OPTION");
        return pair;
    }
}
