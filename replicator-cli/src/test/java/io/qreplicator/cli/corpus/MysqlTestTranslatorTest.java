package io.qreplicator.cli.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MysqlTestTranslatorTest {
    /** Records what would be sent; statements containing FAIL fail, queries answer from a script. */
    static class Recording implements Session, Session.Opener {
        final List<String> sent;
        final List<String> answers = new ArrayList<>();
        final String prefix;

        Recording() {
            this(new ArrayList<>(), "");
        }

        Recording(List<String> sent, String prefix) {
            this.sent = sent;
            this.prefix = prefix;
        }

        /** Another session, whose statements are recorded in the same list, prefixed by its database (and account, if not root). */
        @Override
        public Session open(String database, Account account) throws SessionEndedException {
            if (account.user().equals("refused")) {
                throw new SessionEndedException("1045 Access denied for user 'refused'@'localhost'");
            }
            if (account.user().equals("nosocket")) {
                throw new SessionEndedException("2002 Can't connect to local server through socket");
            }
            return new Recording(sent, (account.root() ? "" : account.user() + (account.socket() ? "@localhost/" : "@127.0.0.1/"))
                    + database + ":");
        }

        @Override
        public String execute(String sql) {
            sent.add(prefix + sql);
            return sql.contains("FAIL") ? "1064 failed" : null;
        }

        @Override
        public String queryValue(String sql) {
            sent.add("?" + sql);
            return answers.remove(0);
        }
    }

    @TempDir
    Path vardir;

    /** A fresh $MYSQLTEST_VARDIR for each run. */
    private MysqlTestFiles files() {
        try {
            return MysqlTestFiles.in(Files.createTempDirectory(vardir, "var-"), Path.of("/nonexistent-mysql-test"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MysqlTestTranslator.Outcome runText(String text, Session session, Session.Opener opener) {
        return MysqlTestTranslator.runText(text, files(), session, opener);
    }

    private Recording run(String text) {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText(text, s, s);
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
        return s;
    }

    @Test
    void splitsStatementsAndDropsCommentsAndOutputCommands() {
        Recording s = run("""
                # a comment; with a semicolon
                --disable_warnings
                DROP TABLE IF EXISTS t1;
                --enable_warnings
                -- this is a comment line, not a command
                CREATE TABLE t1 (a INT,
                  b VARCHAR(10)); INSERT INTO t1 VALUES (1, 'x;y'), (2, "it's;");
                --echo # done
                echo also done;
                --sorted_result
                SELECT * FROM t1;
                """);
        assertThat(s.sent).containsExactly("DROP TABLE IF EXISTS t1", "CREATE TABLE t1 (a INT,\n  b VARCHAR(10))",
                "INSERT INTO t1 VALUES (1, 'x;y'), (2, \"it's;\")", "SELECT * FROM t1");
    }

    @Test
    void followsTheDelimiter() {
        Recording s = run("""
                delimiter |;
                CREATE PROCEDURE p() BEGIN INSERT INTO t1 VALUES (1); SELECT 2; END|
                delimiter ;|
                --delimiter //
                CREATE FUNCTION f() RETURNS INT RETURN 1//
                --delimiter ;
                CALL p();
                """);
        assertThat(s.sent).containsExactly("CREATE PROCEDURE p() BEGIN INSERT INTO t1 VALUES (1); SELECT 2; END",
                "CREATE FUNCTION f() RETURNS INT RETURN 1", "CALL p()");
    }

    @Test
    void expectedAndUnexpectedFailuresAreCountedAndRunOn() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("""
                --error ER_DUP_ENTRY
                INSERT FAIL;
                error 1062;
                INSERT FAIL AGAIN;
                INSERT FAIL UNEXPECTED;
                INSERT ok;
                """, s, s);
        assertThat(o.completed()).isTrue();
        assertThat(o.statements).isEqualTo(4);
        assertThat(o.expectedFailures).isEqualTo(2);
        assertThat(o.unexpectedFailures).isEqualTo(1);
        assertThat(s.sent).hasSize(4);
    }

    @Test
    void variablesEvalConditionsAndLoops() {
        Recording s = run("""
                let engine= InnoDB;
                --let $n = 3
                while ($n)
                {
                  eval INSERT INTO t VALUES ($n, '$engine', JSON_VALUE('{"a":1}', '$.a'));
                  dec $n;
                }
                if ($engine == InnoDB) {
                  SELECT 'if ran';
                }
                if ($UNDEFINED_ENV_VAR)
                {
                  SELECT 'not run';
                }
                else
                {
                  SELECT 'else ran';
                }
                if (!$n) {
                  SELECT 'n is zero';
                } else {
                  SELECT 'not run either';
                }
                expr $m = $n + 5;
                eval SELECT $m;
                """);
        assertThat(s.sent).containsExactly("INSERT INTO t VALUES (3, 'InnoDB', JSON_VALUE('{\"a\":1}', '$.a'))",
                "INSERT INTO t VALUES (2, 'InnoDB', JSON_VALUE('{\"a\":1}', '$.a'))",
                "INSERT INTO t VALUES (1, 'InnoDB', JSON_VALUE('{\"a\":1}', '$.a'))",
                "SELECT 'if ran'", "SELECT 'else ran'", "SELECT 'n is zero'", "SELECT 5");
    }

    @Test
    void queriesInBackquotesAskTheSession() {
        Recording s = new Recording();
        s.answers.add("MyISAM");
        s.answers.add("0");
        MysqlTestTranslator.Outcome o = runText("""
                let $e= `SELECT @@default_storage_engine`;
                if (`SELECT COUNT(*) FROM t1`)
                {
                  SELECT 'not run';
                }
                eval CREATE TABLE t2 (a INT) ENGINE=$e;
                """, s, s);
        assertThat(o.completed()).isTrue();
        assertThat(s.sent).containsExactly("?SELECT @@default_storage_engine", "?SELECT COUNT(*) FROM t1",
                "CREATE TABLE t2 (a INT) ENGINE=MyISAM");
    }

    @Test
    void rootConnectionsAreSessionsOfTheirOwn() {
        Recording s = run("""
                CREATE TABLE t1 (a INT);
                connect (con1,localhost,root,,);
                INSERT INTO t1 VALUES (1);
                --connect (con2,localhost,root,,*NO-ONE*,$MASTER_MYPORT,$MASTER_MYSOCK)
                SELECT 2;
                connection default;
                SELECT 1;
                --connection con1
                SELECT 3;
                disconnect con1;
                """);
        assertThat(s.sent).containsExactly("CREATE TABLE t1 (a INT)", "test:INSERT INTO t1 VALUES (1)", "null:SELECT 2",
                "SELECT 1", "test:SELECT 3");
    }

    @Test
    void aStatementAfterItsConnectionWasDisconnectedFailsAsOnALostConnection() {
        Recording s = run("""
                connect (con1,localhost,root,,);
                SELECT 1;
                disconnect con1;
                let $mysql_errno= 0;
                while (!$mysql_errno)
                {
                  --error 0,2006
                  show status;
                }
                connection default;
                SELECT 2;
                """);
        assertThat(s.sent).containsExactly("test:SELECT 1", "SELECT 2");
    }

    @Test
    void unmodelledCommandEndsTheFileAfterWhatRan() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("""
                CREATE TABLE t1 (a INT);
                connect (con1,localhost,root,,);
                change_user mysqltest_1,,;
                INSERT INTO t1 VALUES (1);
                """, s, s);
        assertThat(o.completed()).isFalse();
        assertThat(o.skipReason).contains("inline:3").contains("change_user").contains("other accounts");
        assertThat(s.sent).containsExactly("CREATE TABLE t1 (a INT)");

        Recording other = new Recording();
        o = runText("connect (con1,::1,mysqltest_1,,);\nSELECT 1;\n", other, other);
        assertThat(o.skipReason).contains("connect to host ::1");
        assertThat(other.sent).isEmpty();
    }

    @Test
    void anAccountTheFileCreatedLogsInAtItsHostAndARefusedLoginIsAnOutcomeWhenExpected() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("""
                connect (con1,localhost,mysqltest_1,'pw',);
                SELECT 1;
                connect (con2,127.0.0.1,u2,,db1);
                SELECT 2;
                --error ER_ACCESS_DENIED_ERROR
                connect (con3,localhost,refused,,);
                SELECT 3;
                connection default;
                connect (con4,localhost,refused,,);
                SELECT 'not run';
                """, s, s);
        assertThat(s.sent).containsExactly("mysqltest_1@localhost/test:SELECT 1", "u2@127.0.0.1/db1:SELECT 2",
                "u2@127.0.0.1/db1:SELECT 3");
        assertThat(o.expectedFailures).isEqualTo(1);
        assertThat(o.skipReason).contains("inline:9: the login was refused, which ends the test: 1045 Access denied");

        o = runText("--error ER_ACCESS_DENIED_ERROR\nconnect (con1,localhost,granted,,);\n", new Recording(), new Recording());
        assertThat(o.skipReason).contains("the login succeeded where the file expected it refused");
        o = runText("--error 2002\nconnect (con1,localhost,nosocket,,);\n", new Recording(), new Recording());
        assertThat(o.skipReason).as("not a refusal of the login: the runner's").contains("connect con1: 2002 Can't connect");
    }

    @Test
    void statementsThatWouldChangeTheServerOrTheBinlogAreNotRun() {
        for (String sql : List.of("SET GLOBAL binlog_format=STATEMENT", "SET GLOBAL gtid_slave_pos=''",
                "SET GLOBAL log_bin_compress=ON", "SET SESSION binlog_format=STATEMENT",
                "SET sql_log_bin=0", "XA START 'x'", "CHANGE MASTER TO master_host='h'", "START SLAVE", "RESET MASTER",
                "INSTALL SONAME 'ha_archive'", "INSERT INTO mysql.user VALUES (1)", "SET STATEMENT sql_log_bin=0 FOR SELECT 1",
                "SET @@session.gtid_domain_id=2", "USE mysql",
                "SET NAMES latin1", "SET SESSION character_set_client=cp1250",
                "SELECT a INTO OUTFILE '/tmp/f' FROM t1", "SELECT a INTO DUMPFILE 'dir/f' FROM t1")) {
            Recording s = new Recording();
            MysqlTestTranslator.Outcome o = runText(sql + ";\n", s, s);
            assertThat(o.skipReason).as(sql).isNotNull();
            assertThat(s.sent).as(sql).isEmpty();
        }
        Recording s = run("SET SESSION sql_mode=''; SET @a=1; SELECT * FROM mysql.user; SET NAMES utf8;"
                + " SET @save = @@GLOBAL.innodb_stats_persistent; SET GLOBAL innodb_file_per_table=1; set @@global.x=1;"
                + " SET @a=1, GLOBAL max_connections=10;");
        assertThat(s.sent).hasSize(8);
    }

    @Test
    void requirementsSourcingAndParsingSwitches() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("""
                --source 'include/have_innodb.inc'
                -- source include/not_embedded.inc
                source include/have_partition.inc;
                SELECT 1;
                --disable_parsing
                SELECT 'not parsed';
                --enable_parsing
                SELECT 2;
                --source include/have_debug.inc
                SELECT 3;
                """, s, s);
        assertThat(s.sent).containsExactly("SELECT 1", "SELECT 2");
        assertThat(o.skipReason).contains("include/have_debug.inc");
    }

    @Test
    void exitEndsTheFileAsComplete() {
        Recording s = run("SELECT 1;\nexit;\nSELECT 2;\n");
        assertThat(s.sent).containsExactly("SELECT 1");
    }

    @Test
    void anUndefinedVariableOutsideAConditionEndsTheFile() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("eval LOAD DATA INFILE '$MYSQL_SHAREDIR/x' INTO TABLE t;\n", s, s);
        assertThat(o.skipReason).contains("$MYSQL_SHAREDIR");
        assertThat(s.sent).isEmpty();
    }

    @Test
    void aTestsOwnUndefinedVariableIsEmptyAndNumberedVariablesCountAsInMysqltest() {
        Recording s = run("""
                eval CREATE TABLE t (a INT) $data_directory ENGINE=InnoDB;
                let $1= 2;
                while ($1)
                {
                  eval INSERT INTO t VALUES ($1);
                  dec $1;
                }
                """);
        assertThat(s.sent).containsExactly("CREATE TABLE t (a INT)  ENGINE=InnoDB", "INSERT INTO t VALUES (2)",
                "INSERT INTO t VALUES (1)");

        MysqlTestTranslator.Outcome o = runText("let $e= $mysql_get_server_version;\n", new Recording(), new Recording());
        assertThat(o.skipReason).as("mysqltest's own, which the runner does not set").contains("uses $mysql_get_server_version");
    }

    @Test
    void theLastStatementsErrorNameAsMysqltestSetsIt() throws Exception {
        Recording s = run("""
                SELECT 1;
                eval SELECT '[$mysql_errname]';
                --error ER_PARSE_ERROR
                FAIL;
                eval SELECT '$mysql_errname';
                """);
        assertThat(s.sent).containsExactly("SELECT 1", "SELECT '[]'", "FAIL", "SELECT 'ER_PARSE_ERROR'");
    }

    /** A server process whose shutdowns and starts are recorded among the statements. */
    private static PrimaryProcess process(List<String> log) {
        return new PrimaryProcess() {
            @Override
            public void shutdown(boolean kill) {
                log.add(kill ? "<killed>" : "<shut down>");
            }

            @Override
            public void start() {
                log.add("<started>");
            }
        };
    }

    @Test
    void aServerRestartAsRestartMysqldIncAsksForItLosesTheSessionsAndReconnectsTheCurrentOne() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = MysqlTestTranslator.runText("""
                CREATE TABLE t (a INT);
                connect (con1,localhost,root,,);
                connection default;
                let $_expect_file_name= $MYSQLTEST_VARDIR/tmp/tmp.expect;
                --write_line wait $_expect_file_name
                --shutdown_server 0
                let $mysql_errno= 0;
                while (!$mysql_errno)
                {
                  --error 0,2006
                  show status;
                }
                --write_line restart $_expect_file_name
                --exec echo "# restart"
                INSERT INTO t VALUES (1);
                connection con1;
                --error 2006
                SELECT 2;
                """, files(), null, s, s, process(s.sent));
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
        assertThat(s.sent).containsExactly("CREATE TABLE t (a INT)", "<killed>", "<started>", "test:INSERT INTO t VALUES (1)");
        assertThat(o.expectedFailures).isEqualTo(2);
        assertThat(o.unexpectedFailures).isZero();
    }

    @Test
    void aServerLeftDownOrToRestartWithOptionsIsStartedAgainAfterTheFile() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = MysqlTestTranslator.runText("""
                --write_line wait $MYSQLTEST_VARDIR/tmp/tmp.expect
                --shutdown_server
                --write_line "restart: --innodb-page-size=4k" $MYSQLTEST_VARDIR/tmp/tmp.expect
                SELECT 'not run';
                """, files(), null, s, s, process(s.sent));
        assertThat(o.skipReason).contains("a restart with other server options (not modelled): restart: --innodb-page-size=4k");
        assertThat(s.sent).containsExactly("<shut down>", "<started>");

        Recording t = new Recording();
        o = MysqlTestTranslator.runText("--shutdown_server 10\n", files(), null, t, t, process(t.sent));
        assertThat(o.completed()).isTrue();
        assertThat(t.sent).containsExactly("<shut down>", "<started>");

        o = runText("--shutdown_server\n", new Recording(), new Recording());
        assertThat(o.skipReason).contains("--shutdown_server (not modelled: no server to restart here)");
    }

    @Test
    void aReplicationTestsPrimaryIsThePrimaryAndItsReplicaRunsNothing() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("""
                --source include/master-slave.inc
                CREATE TABLE t (a INT);
                INSERT INTO t VALUES (1);
                --sync_slave_with_master
                STOP SLAVE;
                INSERT INTO t VALUES (99);
                --source include/start_slave.inc
                --source include/wait_for_slave_sql_error.inc
                connection master;
                INSERT INTO t VALUES (2);
                save_master_pos;
                connection slave;
                sync_with_master;
                --source include/diff_tables.inc
                connection master1;
                INSERT INTO t VALUES (3);
                --source include/rpl_end.inc
                connection slave1;
                let $v= `SELECT COUNT(*) FROM t`;
                """, s, s);
        assertThat(s.sent).containsExactly("test:CREATE TABLE t (a INT)", "test:INSERT INTO t VALUES (1)",
                "test:INSERT INTO t VALUES (2)", "test:INSERT INTO t VALUES (3)");
        assertThat(o.skipReason).contains("inline:19").contains("a query on the replica's connection");

        o = runText("--sync_slave_with_master\n", new Recording(), new Recording());
        assertThat(o.skipReason).contains("--sync_slave_with_master (not modelled: replication)");

        // each replica connection is a session of its own (send and reap on two of them)
        o = runText("""
                --source include/master-slave.inc
                connection slave;
                send SELECT 1;
                connection slave1;
                send SELECT 2;
                connection slave;
                reap;
                connection slave1;
                reap;
                """, new Recording(), new Recording());
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
    }

    @Test
    void anExecThatOnlyEchoesPrintsAndAnyOtherStillEndsTheFile() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("--exec echo \"# restart: $restart_parameters\"\nSELECT 1;\n--exec echo x > $MYSQLTEST_VARDIR/tmp/f\n", s, s);
        assertThat(s.sent).containsExactly("SELECT 1");
        assertThat(o.skipReason).contains("--exec (not modelled: runs programs)");
    }

    @Test
    void theHarnessVariablesIncludeFilesSaveAndRestoreAreThoseOfTheRunnersSessions() {
        Recording s = new Recording();
        s.answers.add("0");
        MysqlTestTranslator.Outcome o = runText("""
                let $v= `SELECT $VALGRIND_TEST + 0`;
                connect (con1,localhost,root,,);
                let $saved= $CURRENT_CONNECTION,$ENABLED_WARNINGS$ENABLED_QUERY_LOG$ENABLED_RESULT_LOG$ENABLED_ABORT_ON_ERROR;
                connection default;
                eval SELECT '$saved', '$CURRENT_CONNECTION';
                """, s, s);
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
        assertThat(s.sent).containsExactly("?SELECT 0 + 0", "SELECT 'con1,1111', 'default'");
    }

    @Test
    void fileCommandsWorkInTheVardirAndItsFilesAreWhatTheStatementsRead() throws Exception {
        Path var = Files.createTempDirectory(vardir, "var-");
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = MysqlTestTranslator.runText("""
                --write_file $MYSQLTEST_VARDIR/tmp/rows.txt
                1;a
                2;b
                EOF
                let $n = 2;
                while ($n)
                {
                  append_file $MYSQL_TMP_DIR/twice.txt END;
                x;y
                END
                  dec $n;
                }
                eval LOAD DATA INFILE '$MYSQLTEST_VARDIR/tmp/rows.txt' INTO TABLE t FIELDS TERMINATED BY ';';
                eval SELECT * FROM t INTO OUTFILE '$MYSQLTEST_VARDIR/tmp/out.txt';
                --copy_file $MYSQLTEST_VARDIR/tmp/rows.txt $MYSQLTEST_VARDIR/tmp/copy.txt
                --diff_files $MYSQLTEST_VARDIR/tmp/rows.txt $MYSQLTEST_VARDIR/tmp/copy.txt
                --remove_file $MYSQLTEST_VARDIR/tmp/copy.txt
                --error 1
                --remove_file $MYSQLTEST_VARDIR/tmp/copy.txt
                --error 0,1
                --file_exists $MYSQLTEST_VARDIR/tmp/copy.txt
                SELECT 'after';
                """, MysqlTestFiles.in(var, Path.of("/nonexistent-mysql-test")), s, s);
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
        Path real = var.toRealPath();
        assertThat(s.sent).containsExactly(
                "LOAD DATA INFILE '" + real + "/tmp/rows.txt' INTO TABLE t FIELDS TERMINATED BY ';'",
                "SELECT * FROM t INTO OUTFILE '" + real + "/tmp/out.txt'", "SELECT 'after'");
        assertThat(Files.readString(real.resolve("tmp/rows.txt"))).isEqualTo("1;a\n2;b\n");
        assertThat(Files.readString(real.resolve("tmp/twice.txt"))).isEqualTo("x;y\nx;y\n");
        assertThat(real.resolve("tmp/copy.txt")).doesNotExist();
    }

    @Test
    void writesOutsideTheVardirEndTheFileAndOnesIntoTheDataDirectorySaySo() {
        Recording s = new Recording();
        s.answers.add("/var/lib/primary/data/");
        MysqlTestTranslator.Outcome o = MysqlTestTranslator.runText("""
                let $MYSQLD_DATADIR= `select @@datadir`;
                --copy_file std_data/mysql57.frm $MYSQLD_DATADIR/test/t1.frm
                SELECT * FROM t1;
                """, files(), "/var/lib/primary/data/", s, s);
        assertThat(o.skipReason).contains("writes into the server's data directory (/var/lib/primary/data//test/t1.frm)")
                .contains("never reaches the binlog");
        assertThat(s.sent).containsExactly("?select @@datadir");

        Recording t = new Recording();
        o = runText("--write_file /tmp/elsewhere.txt\nx\nEOF\nSELECT 1;\n", t, t);
        assertThat(o.skipReason).contains("writes outside $MYSQLTEST_VARDIR (/tmp/elsewhere.txt)");
        assertThat(Path.of("/tmp/elsewhere.txt")).doesNotExist();

        for (String escape : List.of("eval SELECT 1 INTO OUTFILE '$MYSQLTEST_VARDIR/std_data/x';",
                // std_data is a link into the corpus: the server follows it before it goes up
                "eval SELECT 1 INTO OUTFILE '$MYSQLTEST_VARDIR/std_data/../x';",
                "delimiter |;\neval CREATE PROCEDURE p() BEGIN SELECT 1 INTO OUTFILE '$MYSQLTEST_VARDIR/tmp/a';"
                        + " SELECT 2 INTO OUTFILE '/tmp/b'; END|")) {
            Recording u = new Recording();
            o = runText(escape + "\n", u, u);
            assertThat(o.skipReason).as(escape).contains("INTO OUTFILE");
            assertThat(u.sent).as(escape).isEmpty();
        }
        Recording w = new Recording();
        o = runText("--move_file $MYSQLTEST_VARDIR/std_data/../x $MYSQLTEST_VARDIR/tmp/y\n", w, w);
        assertThat(o.skipReason).contains("writes outside $MYSQLTEST_VARDIR");
    }

    @Test
    void fileNamesRelativeToTheDataDirectoryOfMysqlTestRunAreMadeNamesInTheVardir() throws Exception {
        Path var = Files.createTempDirectory(vardir, "var-");
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = MysqlTestTranslator.runText("""
                LOAD DATA INFILE '../../std_data/loaddata1.dat' INTO TABLE t1 FIELDS TERMINATED BY ',';
                select * into outfile "../../tmp/out.1" from t1;
                SELECT a INTO OUTFILE 'skr' FROM t1;
                load data infile 'skr' into table t2;
                LOAD DATA LOCAL INFILE '../../std_data/loaddata1.dat' INTO TABLE t1;
                SELECT 'no file named here', 'outfile';
                """, MysqlTestFiles.in(var, Path.of("/nonexistent-mysql-test")), s, s);
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
        Path real = var.toRealPath();
        assertThat(s.sent).containsExactly(
                "LOAD DATA INFILE '" + real + "/std_data/loaddata1.dat' INTO TABLE t1 FIELDS TERMINATED BY ','",
                "select * into outfile \"" + real + "/tmp/out.1\" from t1",
                "SELECT a INTO OUTFILE '" + real + "/tmp/skr' FROM t1",
                "load data infile '" + real + "/tmp/skr' into table t2",
                "LOAD DATA LOCAL INFILE '../../std_data/loaddata1.dat' INTO TABLE t1",
                "SELECT 'no file named here', 'outfile'");
    }

    @Test
    void aSessionThatSpeaksAnyCharacterSetRunsTheFilesCharacterSetChanges() {
        String text = "SET NAMES latin1;\nCREATE TABLE t1 (a ENUM('\u00e9'));\nSET character_set_client = cp1251;\n";
        assertThat(MysqlTestTranslator.changesClientCharacterSet(text)).isTrue();
        assertThat(MysqlTestTranslator.changesClientCharacterSet("SET NAMES utf8mb4;\nSELECT 1;\n")).isFalse();
        Recording utf8Only = new Recording();
        assertThat(runText(text, utf8Only, utf8Only).skipReason).contains("client character set");
        Recording any = new Recording() {
            @Override
            public boolean anyCharacterSet() {
                return true;
            }
        };
        MysqlTestTranslator.Outcome o = runText(text, any, any);
        assertThat(o.completed()).as("skipped: %s", o.skipReason).isTrue();
        assertThat(any.sent).containsExactly("SET NAMES latin1", "CREATE TABLE t1 (a ENUM('\u00e9'))", "SET character_set_client = cp1251");
    }

    @Test
    void aFileTheServerWroteIntoADatabasesDirectoryIsTheOneItsBareNameWasMadeInTheVardir() throws Exception {
        Path var = Files.createTempDirectory(vardir, "var-");
        Recording s = new Recording();
        s.answers.add("/var/lib/primary/data/");
        MysqlTestFiles files = MysqlTestFiles.in(var, Path.of("/nonexistent-mysql-test"));
        MysqlTestTranslator.Outcome o = MysqlTestTranslator.runText("""
                let $MYSQLD_DATADIR= `select @@datadir`;
                --write_file $MYSQLTEST_VARDIR/tmp/load.data
                1
                EOF
                --file_exists $MYSQLD_DATADIR/test/load.data
                --remove_file $MYSQLD_DATADIR/test/load.data
                --copy_file std_data/t1.frm $MYSQLD_DATADIR/test/t1.frm
                """, files, "/var/lib/primary/data/", s, s);
        assertThat(o.skipReason).as("a table's file is still refused").contains("writes into the server's data directory")
                .contains("t1.frm");
        assertThat(var.toRealPath().resolve("tmp/load.data")).doesNotExist();
    }

    @Test
    void aFileCommandThatFailsWithoutAnExpectedErrorEndsTheFileAsMysqltestWould() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("--remove_file $MYSQLTEST_VARDIR/tmp/never-written\nSELECT 1;\n", s, s);
        assertThat(o.skipReason).contains("--remove_file failed, which ends the test").contains("never-written does not exist");
        assertThat(s.sent).isEmpty();
    }

    /** A session whose statements containing WAITS block until a COMMIT on another session; FAIL fails. */
    private static Session waiting(String name, List<String> log, java.util.concurrent.CountDownLatch commit) {
        return new Session() {
            @Override
            public String execute(String sql) {
                log.add(name + ":" + sql);
                if (sql.equals("COMMIT")) {
                    commit.countDown();
                }
                if (sql.contains("WAITS")) {
                    try {
                        assertThat(commit.await(20, java.util.concurrent.TimeUnit.SECONDS)).as("released").isTrue();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    log.add(name + ":released");
                }
                return sql.contains("FAIL") ? "1213 Deadlock found" : null;
            }

            @Override
            public String queryValue(String sql) {
                return null;
            }
        };
    }

    @Test
    void aSentStatementRunsWhileTheFileGoesOnAndItsResultIsTakenAtReap() {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
        MysqlTestTranslator.Outcome o = runText("""
                connect (con1,localhost,root,,);
                --send
                UPDATE t SET a = 1 WAITS FAIL;
                connection default;
                COMMIT;
                connection con1;
                --error ER_LOCK_DEADLOCK
                --reap
                let $x= 5;
                send_eval SELECT $x WAITS;
                connection default;
                reap;
                """, waiting("default", log, commit), (db, account) -> waiting("con1", log, commit));
        assertThat(o.skipReason).as("the reap on default has nothing sent there").contains("reap without a statement sent");
        assertThat(o.statements).as("the COMMIT and the reaped UPDATE").isEqualTo(2);
        assertThat(o.expectedFailures).as("the deadlock, expected at reap").isEqualTo(1);
        assertThat(o.unexpectedFailures).isZero();
        assertThat(log).contains("con1:UPDATE t SET a = 1 WAITS FAIL", "default:COMMIT", "con1:SELECT 5 WAITS");
        assertThat(log.indexOf("con1:released")).as("released by the COMMIT").isGreaterThan(log.indexOf("default:COMMIT"));
        assertThat(log).as("the statement still running at the end was waited for").endsWith("con1:released");
    }

    @Test
    void aStatementBetweenSendAndReapOnTheSameConnectionEndsTheFile() {
        Recording s = new Recording();
        MysqlTestTranslator.Outcome o = runText("""
                send INSERT INTO t VALUES (1);
                INSERT INTO t VALUES (2);
                """, s, s);
        assertThat(o.skipReason).contains("between send and reap");
        assertThat(s.sent).containsExactly("INSERT INTO t VALUES (1)");
    }

    @Test
    void aKillRunsOnlyWhenItTargetsOneOfTheFilesOwnSessions() {
        List<String> log = new ArrayList<>();
        class Numbered extends Recording {
            final long id;

            Numbered(long id) {
                super(log, id + ":");
                this.id = id;
            }

            @Override
            public long connectionId() {
                return id;
            }
        }
        Numbered main = new Numbered(7);
        MysqlTestTranslator.Outcome o = runText("""
                connect (con1,localhost,root,,);
                connection default;
                KILL QUERY 8;
                KILL 8;
                KILL 99;
                """, main, (db, account) -> new Numbered(8));
        assertThat(log).containsExactly("7:KILL QUERY 8", "7:KILL 8");
        assertThat(o.skipReason).contains("KILL: KILL 99");
    }
}
