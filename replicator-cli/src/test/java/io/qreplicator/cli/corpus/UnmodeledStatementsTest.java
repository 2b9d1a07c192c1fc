package io.qreplicator.cli.corpus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnmodeledStatementsTest {
    private static final String MYSQL_SCHEMA = "writes the mysql schema (not replicated by default)";

    @Test
    void aWriteToTheMysqlSchemaIsNotRunButTheWordInARowsTextIsNoSchema() {
        assertThat(UnmodeledStatements.reason("INSERT INTO mysql.user VALUES (1)")).isEqualTo(MYSQL_SCHEMA);
        assertThat(UnmodeledStatements.reason("DELETE FROM `mysql` . db WHERE 1")).isEqualTo(MYSQL_SCHEMA);
        assertThat(UnmodeledStatements.reason("INSERT INTO articles (title,body) VALUES ('MySQL vs. YourSQL','In MySQL. it''s \\' MySQL.'),"
                + " (\"x\", \"about mysql.\")")).isNull();
        assertThat(UnmodeledStatements.reason("UPDATE t, mysql.user SET t.a = 'a;b'")).isEqualTo(MYSQL_SCHEMA);
    }

    @Test
    void stringsAreEmptiedWithTheirEscapedQuotes() {
        assertThat(UnmodeledStatements.withoutStrings("a 'b''c\\'d' e \"f\"\"g\" h")).isEqualTo("a '' e \"\" h");
    }

    @Test
    void aQuoteInACommentOrAnIdentifierOpensNoString() {
        assertThat(UnmodeledStatements.reason("DELETE /* don't */ FROM mysql.db")).isEqualTo(MYSQL_SCHEMA);
        assertThat(UnmodeledStatements.reason("DELETE FROM `it's`, mysql.db USING `it's` JOIN mysql.db")).isEqualTo(MYSQL_SCHEMA);
        assertThat(UnmodeledStatements.reason("UPDATE t SET a = 1 -- don't\n, b = (SELECT 1 FROM mysql.user)")).isEqualTo(MYSQL_SCHEMA);
        assertThat(UnmodeledStatements.withoutStrings("a /* x */ b # c\nd `e'f` 'g'")).isEqualTo("a   b  \nd `e'f` ''");
    }

    @Test
    void aClientCharacterSetOtherThanUtf8IsNamedAndUtf8IsNot() {
        assertThat(UnmodeledStatements.reason("SET NAMES 'latin1'")).isEqualTo(UnmodeledStatements.CLIENT_CHARSET);
        assertThat(UnmodeledStatements.reason("SET NAMES 'utf8'")).isNull();
    }
}
