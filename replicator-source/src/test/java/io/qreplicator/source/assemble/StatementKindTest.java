package io.qreplicator.source.assemble;

import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.source.FilterConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class StatementKindTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "BEGIN|BEGIN",
            "COMMIT|COMMIT",
            "ROLLBACK|ROLLBACK",
            "ROLLBACK TO SAVEPOINT a|SAVEPOINT",
            "SAVEPOINT a|SAVEPOINT",
            "XA START 'x'|XA",
            "insert into t values (1)|STATEMENT_DML",
            "/* app */ UPDATE t SET a=1|STATEMENT_DML",
            "CREATE USER 'x'@'%' IDENTIFIED BY 'y'|ACCOUNT",
            "CREATE OR REPLACE USER 'x'@'%' IDENTIFIED BY 'y'|ACCOUNT",
            "CREATE OR REPLACE ROLE r|ACCOUNT",
            "CREATE ROLE IF NOT EXISTS r|ACCOUNT",
            "DROP ROLE IF EXISTS r|ACCOUNT",
            "SET DEFAULT ROLE r FOR 'x'@'%'|ACCOUNT",
            "GRANT SELECT ON *.* TO 'x'@'%'|ACCOUNT",
            "SET PASSWORD FOR 'x'@'%' = PASSWORD('y')|ACCOUNT",
            "FLUSH PRIVILEGES|ACCOUNT",
            "CREATE DEFINER=`root`@`localhost` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a=1|TRIGGER",
            "DROP TRIGGER IF EXISTS tr|TRIGGER",
            // accounts with blanks or quotes in them: still a trigger (else it was replayed, and fired twice on the standby)
            "CREATE DEFINER=`john doe`@`%` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a=1|TRIGGER",
            "CREATE DEFINER = 'a b'@'local host' TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a=1|TRIGGER",
            "CREATE OR REPLACE DEFINER=`x``y`@`%` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a=1|TRIGGER",
            "CREATE DEFINER = CURRENT_USER ( ) TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a=1|TRIGGER",
            "CREATE DEFINER=some_role TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a=1|TRIGGER",
            "DROP TEMPORARY TABLE IF EXISTS `tmp`|TEMPORARY",
            "CREATE OR REPLACE TEMPORARY TABLE tmp (a int)|TEMPORARY",
            "CREATE TEMPORARY SEQUENCE s START WITH 100|TEMPORARY",
            "DROP TEMPORARY SEQUENCE IF EXISTS s|TEMPORARY",
            "FLUSH TABLES|FLUSH",
            "CREATE TABLE t (a INT)|DDL",
            "ALTER TABLE t ADD COLUMN b INT|DDL",
            "RENAME TABLE a TO b|DDL",
            "CREATE DEFINER=`root`@`localhost` PROCEDURE p() SELECT 1|DDL",
            "SET STATEMENT max_statement_time=60 FOR INSERT INTO t VALUES (1)|STATEMENT_DML",
            "set statement sql_mode='ANSI_QUOTES,STRICT_ALL_TABLES', lock_wait_timeout=5 for DROP TEMPORARY TABLE tmp|TEMPORARY",
            "SET STATEMENT x='a for b' FOR /* c */ CREATE USER u|ACCOUNT",
            // a FOR in a comment, or right after a quote
            "SET STATEMENT lock_wait_timeout=5 /* for CREATE USER a */ FOR INSERT INTO t VALUES (1)|STATEMENT_DML",
            "SET STATEMENT sql_mode=''FOR INSERT INTO t VALUES (1)|STATEMENT_DML",
            "SET @a = 1|DDL",
            // as mariadb-dump writes them: executable comments are part of the statement
            "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `tr` AFTER INSERT ON `t` FOR EACH ROW SET @x = 1 */|TRIGGER",
            "/*!40000 ALTER TABLE `t` DISABLE KEYS */|DDL",
            "/*!40101 SET character_set_client = utf8mb4 */|DDL",
            "/*!50003 DROP TRIGGER IF EXISTS tr */|TRIGGER",
    })
    void classifies(String sql, StatementKind kind) {
        assertThat(StatementKind.of(sql)).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "shop|CREATE TABLE t (a INT)|true",
            "mysql|CREATE TABLE t (a INT)|false",
            "shop|CREATE TABLE mysql.t (a INT)|false",
            "shop|ALTER TABLE `mysql`.`user` ADD COLUMN x INT|false",
            "shop|CREATE TABLE mysqlx.t (a INT)|true",
    })
    void keepsDdlOutsideTheMysqlSchema(String db, String sql, boolean kept) {
        assertThat(new ChangeFilter(FilterConfig.DEFAULTS).keepStatement(db, sql, StatementKind.of(sql))).isEqualTo(kept);
        assertThat(new ChangeFilter(new FilterConfig(true, false, false)).keepStatement(db, sql, StatementKind.of(sql))).isTrue();
    }

    /** A routine's own CREATE or DROP (the sink passes over "already exists" / "does not exist" only for those). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CREATE DEFINER=`root`@`localhost` PROCEDURE p() BEGIN END|true|false",
            "CREATE DEFINER=\"root\"@\"127.0.0.1\" PROCEDURE \"test\".\"p1\"() AS BEGIN NULL; END|true|false",
            "/* c */ CREATE OR REPLACE AGGREGATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END|true|false",
            "create package body pk AS END|true|false",
            "SET STATEMENT max_statement_time=0 FOR CREATE FUNCTION f() RETURNS INT RETURN 1|true|false",
            "DROP PROCEDURE p|false|true",
            "drop function IF EXISTS f|false|true",
            "CREATE VIEW v AS SELECT f()|false|false",
            "DROP VIEW v|false|false",
            "GRANT EXECUTE ON PROCEDURE p TO 'x'@'%'|false|false",
            "ALTER PROCEDURE p COMMENT 'x'|false|false",
            "CREATE TABLE procedure_log (a INT)|false|false",
    })
    void routineDdl(String sql, boolean creates, boolean drops) {
        assertThat(StatementKind.createsRoutine(sql)).as(sql).isEqualTo(creates);
        assertThat(StatementKind.dropsRoutine(sql)).as(sql).isEqualTo(drops);
    }
}
