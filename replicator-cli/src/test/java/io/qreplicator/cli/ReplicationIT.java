package io.qreplicator.cli;

import org.junit.jupiter.api.BeforeAll;

/** The {@link ReplicationScenarios} against a primary that logs column names (binlog_row_metadata=FULL). */
class ReplicationIT extends ReplicationScenarios {
    @BeforeAll
    static void startWithFullRowMetadata() throws Exception {
        startWith();
    }
}
