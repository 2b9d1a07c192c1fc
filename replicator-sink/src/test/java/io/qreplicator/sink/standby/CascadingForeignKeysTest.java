package io.qreplicator.sink.standby;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which statements are followed by a look at the standby's cascading foreign keys. */
class CascadingForeignKeysTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) ON DELETE CASCADE|true",
            "CREATE TABLE c (p INT, FOREIGN KEY (p) REFERENCES p (id) ON UPDATE SET NULL)|true",
            "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) on delete set  default|true",
            // comments between the clause's words, as tools write them
            "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) ON /* the parent */ DELETE\\n-- why\\nCASCADE|true",
            "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) ON DELETE --\\nCASCADE|true",
            "/*!40000 ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) ON DELETE CASCADE */|true",
            "ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) ON DELETE RESTRICT|false",
            "ALTER TABLE c ADD COLUMN x INT|false",
    })
    void aStatementThatMayDeclareACascadeIsLookedAt(String sql, boolean looked) {
        assertThat(CascadingForeignKeys.mayDeclare(sql.replace("\\n", "\n"))).isEqualTo(looked);
    }
}
