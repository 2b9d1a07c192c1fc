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
        assertThat(fs("ALTER USER CURRENT_USER() WITH MAX_USER_CONNECTIONS 7", ROOT, "tx"))
                .isEqualTo("ALTER USER 'root'@'localhost' WITH MAX_USER_CONNECTIONS 7");
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
        // MariaDB 10.11 logs it, and leaves CURRENT_USER's password as it was
        assertThatThrownBy(() -> fs("ALTER USER CURRENT_USER() IDENTIFIED BY 's3cret'", ROOT, "tx"))
                .isInstanceOf(SinkRefusedException.class).hasMessageContaining("password for CURRENT_USER")
                .hasMessageContaining("IDENTIFIED BY '***'").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> fs("CREATE ROLE r2 WITH ADMIN CURRENT_ROLE", ROOT, "tx"))
                .isInstanceOf(SinkRefusedException.class).hasMessageContaining("which role");
    }

    @Test
    void otherStatementsAreLeftAsTheyAre() {
        assertThat(fs("CREATE TABLE t (u VARCHAR(80) DEFAULT CURRENT_USER)", ROOT, "tx"))
                .isEqualTo("CREATE TABLE t (u VARCHAR(80) DEFAULT CURRENT_USER)");
    }

    @Test
    void aWithAdminClauseGoesAloneAndWhatSurroundsItStays() {
        // as mariadb-dump --system=users writes it
        assertThat(AccountStatements.forStandby("/*M!100005 CREATE ROLE IF NOT EXISTS 'reporting' WITH ADMIN mariadb_dump_import_role */",
                ROOT, true, "tx")).isEqualTo(new AccountStatements.ForStandby("/*M!100005 CREATE ROLE IF NOT EXISTS 'reporting'  */",
                "GRANT 'reporting' TO mariadb_dump_import_role WITH ADMIN OPTION", "reporting"));
        assertThat(AccountStatements.forStandby("CREATE ROLE r WITH ADMIN 'u'@'h' -- a note", ROOT, true, "tx"))
                .isEqualTo(new AccountStatements.ForStandby("CREATE ROLE r  -- a note", "GRANT r TO 'u'@'h' WITH ADMIN OPTION"));
        assertThat(AccountStatements.forStandby("SET STATEMENT max_statement_time=60 FOR CREATE ROLE r", ROOT, true, "tx").adminGrant())
                .isEqualTo("GRANT r TO 'root'@'localhost' WITH ADMIN OPTION");
        assertThat(AccountStatements.forStandby("CREATE ROLE r WITH ADMIN bob@127.0.0.1", ROOT, true, "tx"))
                .as("an unquoted host, dots and all").isEqualTo(new AccountStatements.ForStandby("CREATE ROLE r", "GRANT r TO bob@127.0.0.1 WITH ADMIN OPTION"));
        assertThat(AccountStatements.forStandby("CREATE ROLE r WITH ADMIN bob@db1.example.com", ROOT, true, "tx").adminGrant())
                .isEqualTo("GRANT r TO bob@db1.example.com WITH ADMIN OPTION");
    }

    @Test
    void aRoleCreatedIfNotThereIsNamedSoThatItsAdminIsGrantedOnlyIfItWasNot() {
        assertThat(AccountStatements.forStandby("CREATE ROLE IF NOT EXISTS 'o''r'", ROOT, true, "tx").ifMissing()).isEqualTo("o'r");
        assertThat(AccountStatements.forStandby("CREATE ROLE IF NOT EXISTS `r 1`", ROOT, true, "tx").ifMissing()).isEqualTo("r 1");
        assertThat(AccountStatements.forStandby("CREATE ROLE r1", ROOT, true, "tx").ifMissing()).isNull();
        assertThat(AccountStatements.forStandby("CREATE OR REPLACE ROLE r1", ROOT, true, "tx").ifMissing()).isNull();
    }

    @Test
    void whatIsShownOfAnAccountStatementHasNoPassword() {
        assertThat(DdlStatements.shown("CREATE USER 'app'@'%' IDENTIFIED BY 's3cret'")).doesNotContain("s3cret")
                .contains("'app'@'%'");
    }
}
