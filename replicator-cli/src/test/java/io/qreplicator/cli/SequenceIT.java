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
            assertThat(rows(pair.standby, state)).as(seq).isEqualTo(rows(pair.primary, state));
        }
    }

    private static String rows(io.qreplicator.core.testing.MariaDbServer s, String sql) throws Exception {
        try (var c = s.rootConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }
}
