package io.qreplicator.source.assemble;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PreparedXaTest {
    @Test
    void readsTheXaStatementsServersLog() {
        assertThat(PreparedXa.Statement.parse("XA END X'7831',X'',1")).isEqualTo(new PreparedXa.Statement("END", "X'7831',X'',1", false));
        assertThat(PreparedXa.Statement.parse("XA COMMIT X'7831',X'',1")).isEqualTo(new PreparedXa.Statement("COMMIT", "X'7831',X'',1", false));
        assertThat(PreparedXa.Statement.parse("XA COMMIT X'63',X'6272616e6368',7 ONE PHASE"))
                .isEqualTo(new PreparedXa.Statement("COMMIT", "X'63',X'6272616e6368',7", true));
        assertThat(PreparedXa.Statement.parse("XA START X'61',X'',1")).extracting(PreparedXa.Statement::verb).isEqualTo("START");
        assertThat(PreparedXa.Statement.parse("xa rollback X'62',X'',1")).extracting(PreparedXa.Statement::verb).isEqualTo("ROLLBACK");
        assertThat(PreparedXa.Statement.parse("XA END X'61',X'',1 SUSPEND")).extracting(PreparedXa.Statement::xid)
                .isEqualTo("X'61',X'',1");
        assertThat(PreparedXa.Statement.parse("SELECT 1")).isNull();
    }
}
