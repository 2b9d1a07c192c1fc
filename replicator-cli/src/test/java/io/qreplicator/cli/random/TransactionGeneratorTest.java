package io.qreplicator.cli.random;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionGeneratorTest {
    private static List<String> script(long seed, int batches) {
        TransactionGenerator g = new TransactionGenerator(seed, true);
        List<String> out = new ArrayList<>(g.setup());
        for (int i = 0; i < batches; i++) {
            out.add(g.next(80).script());
        }
        return out;
    }

    @Test
    void aSeedGivesTheSameSqlAgain() {
        List<String> first = script(42L, 12);
        assertThat(script(42L, 12)).isEqualTo(first);
        assertThat(String.join("", first).length()).isGreaterThan(20_000);
    }

    @Test
    void anotherSeedGivesOtherSql() {
        assertThat(script(43L, 3)).isNotEqualTo(script(42L, 3));
        assertThat(new TransactionGenerator(43L, true).schema()).isNotEqualTo(new TransactionGenerator(42L, true).schema());
    }

    @Test
    void aLongRunPlaysEveryShapeSomeConcurrentBatchesAndSomeBacklogs() {
        TransactionGenerator g = new TransactionGenerator(7L, true, true);
        Set<Shape> seen = EnumSet.noneOf(Shape.class);
        int concurrent = 0;
        int backlogs = 0;
        for (int i = 0; i < 60; i++) {
            Batch b = g.next(100);
            backlogs += b.backlog() ? 1 : 0;
            if (b.sessions().size() > 1) {
                concurrent++;
                assertThat(b.sessions()).allSatisfy(s -> assertThat(s).noneMatch(sql -> sql.shape().ddl()));
            }
            b.sessions().forEach(s -> s.forEach(sql -> seen.add(sql.shape())));
        }
        assertThat(seen).containsExactlyInAnyOrder(Shape.values());
        assertThat(concurrent).isBetween(5, 40);
        assertThat(backlogs).isBetween(5, 40);
    }

    @Test
    void nonTransactionalTablesAreWrittenOnlyWhenAsked() {
        assertThat(nonTransactionalWrites(new TransactionGenerator(7L, true))).isZero();
        assertThat(nonTransactionalWrites(new TransactionGenerator(7L, true, true))).isGreaterThan(20);
    }

    private static long nonTransactionalWrites(TransactionGenerator g) {
        long n = 0;
        for (int i = 0; i < 20; i++) {
            n += g.next(100).sessions().stream().flatMap(List::stream).filter(sql -> sql.shape().dml()
                    && sql.text().matches("(INSERT (IGNORE )?INTO|REPLACE INTO|UPDATE|DELETE FROM|LOAD DATA INFILE \\S+ (REPLACE |IGNORE )?INTO TABLE) `[^`]+`\\.`n[tm][`_].*")).count();
        }
        return n;
    }

    @Test
    void withoutConcurrencyEveryBatchIsOneSession() {
        TransactionGenerator g = new TransactionGenerator(7L, false);
        for (int i = 0; i < 20; i++) {
            assertThat(g.next(50).sessions()).hasSize(1);
        }
    }
}
