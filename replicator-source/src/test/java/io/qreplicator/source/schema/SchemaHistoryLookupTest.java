package io.qreplicator.source.schema;

import io.qreplicator.source.binlog.BinlogErrors;
import io.qreplicator.source.binlog.PrimaryLookupLostException;
import io.qreplicator.source.preflight.SourceRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A table's definition read from the primary mid-stream: a lost connection is retried, anything else stops. */
class SchemaHistoryLookupTest {
    @TempDir
    Path dir;

    @Test
    void aPrimaryThatCannotBeReachedForALookupIsALostConnection() {
        try (SchemaHistory h = SchemaHistory.open(dir, () -> {
            throw new SQLNonTransientConnectionException("Socket fail to connect to 127.0.0.1:3306", "08000", -1);
        }, "MINIMAL")) {
            assertThatThrownBy(() -> h.shape("shop", "orders", new int[] {3}, "mysql-bin.000002", 500))
                    .isInstanceOf(PrimaryLookupLostException.class).hasMessageContaining("shop.orders at binlog mysql-bin.000002:500")
                    .satisfies(t -> assertThat(BinlogErrors.isTransient(t)).isTrue());
        }
        // as the agent connects (Jdbc.connect wraps the driver's exception in a refusal)
        try (SchemaHistory h = SchemaHistory.open(dir, () -> {
            throw new SourceRefusedException("cannot connect to primary", new SQLNonTransientConnectionException("refused", "08000", -1));
        }, "MINIMAL")) {
            assertThatThrownBy(() -> h.shape("shop", "orders", new int[] {3}, "mysql-bin.000002", 500))
                    .isInstanceOf(PrimaryLookupLostException.class);
        }
    }

    @Test
    void anErrorTheServerSentStaysFatal() {
        try (SchemaHistory h = SchemaHistory.open(dir, () -> {
            throw new SQLSyntaxErrorException("SELECT command denied to user", "42000", 1142);
        }, "MINIMAL")) {
            assertThatThrownBy(() -> h.shape("shop", "orders", new int[] {3}, "mysql-bin.000002", 500))
                    .isInstanceOf(SchemaLookupException.class).hasMessageContaining("SELECT command denied")
                    .satisfies(t -> assertThat(BinlogErrors.isTransient(t)).isFalse());
        }
    }
}
