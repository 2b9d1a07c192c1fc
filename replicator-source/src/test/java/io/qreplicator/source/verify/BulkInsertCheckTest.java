package io.qreplicator.source.verify;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.source.assemble.TransactionAssembler.RelaxedInsert;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The row {@link BulkInsertCheck} looks up, and the one-key chunk it has compared when the primary lacks it. */
class BulkInsertCheckTest {
    private static RelaxedInsert insert(List<ColumnDef> columns, int[] key, Object... values) {
        BitSet present = new BitSet();
        present.set(0, values.length);
        return new RelaxedInsert("0-1-9", new TableDef("s", "t", columns, key), new RowImage(present, values));
    }

    @Test
    void anUnsignedColumnsRawBitsAreItsValueAndTheChunkHoldsExactlyTheKey() {
        BulkInsertCheck.Candidate c = BulkInsertCheck.candidate(insert(List.of(new ColumnDef("id", ColumnType.LONG, 0, true),
                new ColumnDef("part", ColumnType.TINY, 0, false), new ColumnDef("v", ColumnType.VARCHAR, 40, false)),
                new int[] {0, 1}, (int) 4_000_000_000L, -1, "x"));
        assertThat(c.whole()).isFalse();
        assertThat(c.keyColumns()).containsExactly("id", "part");
        assertThat(c.key()).containsExactly(BigInteger.valueOf(4_000_000_000L), BigInteger.valueOf(-1));
        // (id, part) > (4000000000, -2) AND (id, part) <= (4000000000, -1): the one row, for integer columns
        assertThat(c.chunk()).isEqualTo("s.t\tn:4000000000,n:-2\tn:4000000000,n:-1");
    }

    @Test
    void anUnsignedBigintAtItsTop() {
        BulkInsertCheck.Candidate c = BulkInsertCheck.candidate(insert(List.of(new ColumnDef("id", ColumnType.LONGLONG, 0, true)),
                new int[] {0}, -1L));
        assertThat(c.key()).containsExactly(new BigInteger("18446744073709551615"));
    }

    @Test
    void aTableWithoutAnIntegerKeyIsVerifiedWhole() {
        ColumnDef text = new ColumnDef("code", ColumnType.VARCHAR, 40, false);
        assertThat(BulkInsertCheck.candidate(insert(List.of(text), new int[] {0}, "a")).whole()).as("a text key").isTrue();
        assertThat(BulkInsertCheck.candidate(insert(List.of(text), new int[0], "a")).whole()).as("no key").isTrue();
        assertThat(BulkInsertCheck.candidate(insert(List.of(new ColumnDef(null, ColumnType.LONG, 0, false)), new int[] {0}, 1))
                .whole()).as("a column the source could not name").isTrue();
    }

    @Test
    void pastTheWaitingLimitTablesAreVerifiedWholeInstead() {
        BulkInsertCheck check = new BulkInsertCheck();
        List<ColumnDef> columns = List.of(new ColumnDef("id", ColumnType.LONG, 0, false));
        for (int i = 0; i <= BulkInsertCheck.MAX_WAITING; i++) {
            check.offer(List.of(insert(columns, new int[] {0}, i)));
        }
        assertThat(check.hasRowsToLookUp()).isTrue();
        assertThat(check.waitingRows()).isEqualTo(BulkInsertCheck.MAX_WAITING);
        assertThat(check.wholeTables()).containsExactly("s.t");
        assertThat(check.hasWorkDue()).as("the table, verified whole").isTrue();
        assertThat(check.due().tables()).containsExactly("s.t");
        assertThat(check.hasWorkDue()).as("at most once a minute").isFalse();
        check.offer(List.of(insert(columns, new int[] {0}, 1)));
        assertThat(check.waitingRows()).as("a table to be verified whole takes no more rows").isEqualTo(BulkInsertCheck.MAX_WAITING);
    }
}
