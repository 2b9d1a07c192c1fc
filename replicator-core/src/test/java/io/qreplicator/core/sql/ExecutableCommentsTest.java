package io.qreplicator.core.sql;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutableCommentsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', ignoreLeadingAndTrailingWhitespace = false, value = {
            "/*!40000 ALTER TABLE `t` DISABLE KEYS */|         ALTER TABLE `t` DISABLE KEYS   ",
            "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER tr*/"
                    + "|         CREATE            DEFINER=`root`@`%`            TRIGGER tr  ",
            "/*!ALTER TABLE t FORCE*/|   ALTER TABLE t FORCE  ",
            "CREATE TABLE t (a INT) /*M!100301 WITH SYSTEM VERSIONING*/|CREATE TABLE t (a INT)            WITH SYSTEM VERSIONING  ",
            // not executable comments: a plain comment, strings, quoted names, a line comment
            "/* /*!40000 no */ SELECT 1|/* /*!40000 no */ SELECT 1",
            "INSERT INTO t VALUES ('/*!40000 no */', \"/*!x*/\")|INSERT INTO t VALUES ('/*!40000 no */', \"/*!x*/\")",
            "CREATE TABLE `a/*!b` (c INT) /*!50100 COMMENT 'x*/y' */|CREATE TABLE `a/*!b` (c INT)          COMMENT 'x*/y'   ",
            "SELECT 1 -- /*!40000 no */|SELECT 1 -- /*!40000 no */",
            // a plain comment inside an executable one ends at its own */
            "/*!50001 VIEW v /* note */ AS SELECT 1 */|         VIEW v /* note */ AS SELECT 1   ",
            "SELECT 'it''s /*!1*/'|SELECT 'it''s /*!1*/'",
    })
    void opensExecutableCommentsKeepingEveryPosition(String sql, String opened) {
        assertThat(ExecutableComments.open(sql)).isEqualTo(opened).hasSameSizeAs(sql);
    }
}
