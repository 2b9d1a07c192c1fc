package io.qreplicator.sink.apply;

import io.qreplicator.core.sql.DdlGrammar;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnnamedIndexTest {
    @Test
    void anUnnamedIndexIsRecognisedHoweverWritten() {
        assertThat(UnnamedIndex.parse("shop", "ALTER TABLE t ADD INDEX (c)"))
                .containsExactly(new DdlGrammar.UnnamedIndex("shop", "t", "INDEX", List.of("c")));
        // read by the grammar: with an ALGORITHM clause, and several at once
        assertThat(UnnamedIndex.parse("shop", "ALTER TABLE t ADD INDEX (c), ALGORITHM=INPLACE, LOCK=NONE"))
                .containsExactly(new DdlGrammar.UnnamedIndex("shop", "t", "INDEX", List.of("c")));
        assertThat(UnnamedIndex.parse("shop", "ALTER TABLE t ADD INDEX (c), ADD UNIQUE (d)")).containsExactly(
                new DdlGrammar.UnnamedIndex("shop", "t", "INDEX", List.of("c")),
                new DdlGrammar.UnnamedIndex("shop", "t", "UNIQUE", List.of("d")));
        assertThat(UnnamedIndex.parse("shop", "alter table `other`.`T` add key (`C`(10), d DESC) comment 'x'"))
                .containsExactly(new DdlGrammar.UnnamedIndex("other", "T", "INDEX", List.of("c", "d")));
        assertThat(UnnamedIndex.parse("shop", "ALTER TABLE t ADD UNIQUE (a, b)"))
                .containsExactly(new DdlGrammar.UnnamedIndex("shop", "t", "UNIQUE", List.of("a", "b")));
        assertThat(UnnamedIndex.parse("shop", "ALTER TABLE t ADD UNIQUE KEY USING BTREE (a)"))
                .containsExactly(new DdlGrammar.UnnamedIndex("shop", "t", "UNIQUE", List.of("a")));
        assertThat(UnnamedIndex.parse("shop", "ALTER ONLINE TABLE t ADD FULLTEXT INDEX (body)"))
                .containsExactly(new DdlGrammar.UnnamedIndex("shop", "t", "FULLTEXT", List.of("body")));
    }

    @Test
    void namedIndexesColumnsAndSeveralClausesAreNotItsCase() {
        for (String sql : new String[] {"ALTER TABLE t ADD INDEX idx_c (c)", "ALTER TABLE t ADD KEY `k` (c)",
                "ALTER TABLE t ADD (a INT, b INT)", "ALTER TABLE t ADD COLUMN a INT", "ALTER TABLE t ADD PRIMARY KEY (id)",
                "ALTER TABLE t ADD INDEX (c), ADD COLUMN d INT",
                "ALTER TABLE t ADD FOREIGN KEY (c) REFERENCES p (id)", "ALTER TABLE t ADD INDEX ((a + b))",
                "CREATE INDEX i ON t (c)"}) {
            assertThat(UnnamedIndex.parse("shop", sql)).as(sql).isNull();
        }
    }
}
