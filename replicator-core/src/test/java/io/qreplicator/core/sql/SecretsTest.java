package io.qreplicator.core.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    @Test
    void everyStringOfAnAccountStatementButItsAccountNamesIsMasked() {
        assertThat(Secrets.masked("CREATE USER 'app'@'10.%' IDENTIFIED BY 's3cret'"))
                .isEqualTo("CREATE USER 'app'@'10.%' IDENTIFIED BY '***'");
        assertThat(Secrets.masked("SET PASSWORD FOR 'u'@'h' = PASSWORD('s3cret')")).isEqualTo("SET PASSWORD FOR 'u'@'h' = PASSWORD('***')");
        assertThat(Secrets.masked("SET PASSWORD FOR 'u'@'h'='*B27918D2D9402882CEADA0EF687D35FBDC137D72'"))
                .isEqualTo("SET PASSWORD FOR 'u'@'h'='***'");
        assertThat(Secrets.masked("CREATE USER v@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('zz') OR ed25519 USING PASSWORD('yy')"))
                .isEqualTo("CREATE USER v@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('***') OR ed25519 USING PASSWORD('***')");
        assertThat(Secrets.masked("GRANT ALL ON *.* TO 'u'@'h' IDENTIFIED BY 'pw' WITH GRANT OPTION"))
                .isEqualTo("GRANT ALL ON *.* TO 'u'@'h' IDENTIFIED BY '***' WITH GRANT OPTION");
    }

    @Test
    void prefixesPiecesHexAndOtherFunctionsAreMaskedToo() {
        assertThat(Secrets.masked("ALTER USER u@h IDENTIFIED BY _utf8mb4'pa' 'ss'")).isEqualTo("ALTER USER u@h IDENTIFIED BY _utf8mb4'***' '***'");
        assertThat(Secrets.masked("ALTER USER u@h IDENTIFIED BY N'pw'")).isEqualTo("ALTER USER u@h IDENTIFIED BY N'***'");
        assertThat(Secrets.masked("ALTER USER u@h IDENTIFIED BY X'7077'")).isEqualTo("ALTER USER u@h IDENTIFIED BY X'***'");
        assertThat(Secrets.masked("SET PASSWORD FOR u@h = OLD_PASSWORD(\"pw\")")).isEqualTo("SET PASSWORD FOR u@h = OLD_PASSWORD('***')");
        assertThat(Secrets.masked("ALTER USER u@h IDENTIFIED BY 'new' REPLACE 'old'")).isEqualTo("ALTER USER u@h IDENTIFIED BY '***' REPLACE '***'");
        assertThat(Secrets.masked("ALTER USER u@h IDENTIFIED BY 0x7077")).isEqualTo("ALTER USER u@h IDENTIFIED BY 0x***");
        assertThat(Secrets.masked("/*!50706 ALTER USER u@h IDENTIFIED BY 'pw' */")).isEqualTo("/*!50706 ALTER USER u@h IDENTIFIED BY '***' */");
    }

    @Test
    void afterAStringWithABackslashNothingIsShown() {
        // read under NO_BACKSLASH_ESCAPES the first password is x\ and the second is a string of its own
        assertThat(Secrets.masked("CREATE USER 'a'@'%' IDENTIFIED BY 'x\\', 'b'@'%' IDENTIFIED BY 'hunter2'"))
                .isEqualTo("CREATE USER 'a'@'%' IDENTIFIED BY '***' (the rest is not shown)");
    }

    @Test
    void otherStatementsAreShownAsTheyAre() {
        assertThat(Secrets.masked("CREATE TABLE t (c VARCHAR(9) DEFAULT 'BY')")).isEqualTo("CREATE TABLE t (c VARCHAR(9) DEFAULT 'BY')");
        assertThat(Secrets.masked("INSERT INTO t VALUES ('x')")).isEqualTo("INSERT INTO t VALUES ('x')");
    }
}
