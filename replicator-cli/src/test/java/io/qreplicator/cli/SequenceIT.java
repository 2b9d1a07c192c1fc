package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** MariaDB sequences: created on the standby, and their state follows the primary's NEXTVAL and SETVAL. */
class SequenceIT extends RunningPair {
    @Test
    void sequenceStateFollowsThePrimary() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS sq", "CREATE SEQUENCE sq.s START WITH 100 INCREMENT BY 5 CACHE 0",
                "CREATE SEQUENCE sq.cached START WITH 1 CACHE 1000",
                "CREATE TABLE sq.t (id BIGINT PRIMARY KEY DEFAULT NEXTVAL(sq.s), v INT)",
                "INSERT INTO sq.t (v) VALUES (1), (2), (3)", "SELECT NEXTVAL(sq.s)", "SELECT NEXTVAL(sq.cached)",
                "SELECT SETVAL(sq.s, 1000)", "INSERT INTO sq.t (v) VALUES (4)");
        assertReplicated();
        for (String seq : new String[] {"sq.s", "sq.cached"}) {
            String state = "SELECT next_not_cached_value, minimum_value, maximum_value, start_value, increment, cache_size,"
                    + " cycle_option, cycle_count FROM " + seq;
            assertThat(TableContents.query(pair.standby, state)).as(seq).isEqualTo(TableContents.query(pair.primary, state));
        }
    }
}
