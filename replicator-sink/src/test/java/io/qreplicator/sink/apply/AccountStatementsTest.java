package io.qreplicator.sink.apply;

import io.qreplicator.sink.standby.SinkRefusedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountStatementsTest {
    private static final String ROOT = "'root'@'localhost'";

    private static String fs(String sql, String invoker, String txId) {
        return AccountStatements.forStandby(sql, invoker, true, txId).sql();
    }

    @Test
    void theCurrentUserIsTheAccountTheStatementRanForOnThePrimary() {
        assertThat(fs("ALTER USER CURRENT_USER() IDENTIFIED BY 'x'", ROOT, "tx"))
                .isEqualTo("ALTER USER 'root'@'localhost' IDENTIFIED BY 'x'");
        assertThat(fs("GRANT SELECT ON db.* TO current_user, u@h", ROOT, "tx"))
                .isEqualTo("GRANT SELECT ON db.* TO 'root'@'localhost', u@h");
        assertThat(fs("GRANT SELECT ON db.* TO 'CURRENT_USER'@'%'", ROOT, "tx"))
                .as("a string is no keyword").isEqualTo("GRANT SELECT ON db.* TO 'CURRENT_USER'@'%'");
    }

    @Test
    void aNewRoleIsCreatedByTheSinkAndGrantedToTheAdminThePrimaryGaveIt() {
        assertThat(AccountStatements.forStandby("CREATE ROLE r1", ROOT, true, "tx"))
                .isEqualTo(new AccountStatements.ForStandby("CREATE ROLE r1", "GRANT r1 TO 'root'@'localhost' WITH ADMIN OPTION"));
        assertThat(AccountStatements.forStandby("CREATE OR REPLACE ROLE `r 1`", ROOT, true, "tx").adminGrant())
                .isEqualTo("GRANT `r 1` TO 'root'@'localhost' WITH ADMIN OPTION");
        assertThat(AccountStatements.forStandby("CREATE ROLE IF NOT EXISTS r1", ROOT, true, "tx").adminGrant())
                .isEqualTo("GRANT r1 TO 'root'@'localhost' WITH ADMIN OPTION");
        assertThat(AccountStatements.forStandby("CREATE ROLE r1 WITH ADMIN u@h", ROOT, true, "tx"))
                .isEqualTo(new AccountStatements.ForStandby("CREATE ROLE r1", "GRANT r1 TO u@h WITH ADMIN OPTION"));
        assertThat(AccountStatements.forStandby("CREATE ROLE r1 WITH ADMIN CURRENT_USER", ROOT, true, "tx"))
                .isEqualTo(new AccountStatements.ForStandby("CREATE ROLE r1", "GRANT r1 TO 'root'@'localhost' WITH ADMIN OPTION"));
        assertThat(AccountStatements.forStandby("CREATE ROLE r1", ROOT, false, "tx"))
                .as("MySQL: a role has no admin").isEqualTo(new AccountStatements.ForStandby("CREATE ROLE r1", null));
        assertThat(AccountStatements.forStandby("CREATE ROLE r1", null, true, "tx").adminGrant()).as("no invoker logged").isNull();
        assertThat(AccountStatements.forStandby("CREATE USER r1", ROOT, true, "tx"))
                .isEqualTo(new AccountStatements.ForStandby("CREATE USER r1", null));
    }

    @Test
    void aCurrentUserOrRoleTheBinlogDoesNotNameStopsTheSink() {
        // MariaDB logs no invoker with a role granted to or revoked from CURRENT_USER
        assertThatThrownBy(() -> fs("GRANT r1 TO CURRENT_USER", null, "GTID 0-1-5 (seq 5)"))
                .isInstanceOf(SinkRefusedException.class)
                .hasMessageContaining("GTID 0-1-5 (seq 5)").hasMessageContaining("CURRENT_USER").hasMessageContaining("qrepl sink skip");
        assertThatThrownBy(() -> fs("CREATE ROLE r2 WITH ADMIN CURRENT_ROLE", ROOT, "tx"))
                .isInstanceOf(SinkRefusedException.class).hasMessageContaining("which role");
    }

    @Test
    void otherStatementsAreLeftAsTheyAre() {
        assertThat(fs("CREATE TABLE t (u VARCHAR(80) DEFAULT CURRENT_USER)", ROOT, "tx"))
                .isEqualTo("CREATE TABLE t (u VARCHAR(80) DEFAULT CURRENT_USER)");
        assertThat(AccountStatements.masked("CREATE TABLE t (c VARCHAR(9) DEFAULT 'BY')")).isEqualTo("CREATE TABLE t (c VARCHAR(9) DEFAULT 'BY')");
    }

    @Test
    void passwordsAreMaskedInWhatIsShown() {
        assertThat(AccountStatements.masked("CREATE USER 'app'@'10.%' IDENTIFIED BY 's3cret'"))
                .isEqualTo("CREATE USER 'app'@'10.%' IDENTIFIED BY '***'");
        assertThat(AccountStatements.masked("SET PASSWORD FOR 'u'@'h' = PASSWORD('s3cret')")).isEqualTo("SET PASSWORD FOR 'u'@'h' = PASSWORD('***')");
        assertThat(AccountStatements.masked("SET PASSWORD FOR 'u'@'h'='*B27918D2D9402882CEADA0EF687D35FBDC137D72'"))
                .isEqualTo("SET PASSWORD FOR 'u'@'h'='***'");
        assertThat(AccountStatements.masked("CREATE USER v@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('zz')"))
                .isEqualTo("CREATE USER v@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('***')");
        assertThat(AccountStatements.masked("ALTER USER u@h IDENTIFIED VIA ed25519 USING '6aW9C7ENlasUfymtfMvMZZtnkCVlcb1ssxOLJ0kj/AA'"))
                .isEqualTo("ALTER USER u@h IDENTIFIED VIA ed25519 USING '***'");
        assertThat(AccountStatements.masked("GRANT ALL ON *.* TO 'u'@'h' IDENTIFIED BY 'pw' WITH GRANT OPTION"))
                .isEqualTo("GRANT ALL ON *.* TO 'u'@'h' IDENTIFIED BY '***' WITH GRANT OPTION");
        assertThat(DdlStatements.shown("CREATE USER 'app'@'%' IDENTIFIED BY 's3cret'")).doesNotContain("s3cret");
    }
}
