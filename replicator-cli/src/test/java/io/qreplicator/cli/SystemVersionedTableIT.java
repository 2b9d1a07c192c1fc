package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** System-versioned tables: the current rows and the history, with its row_start and row_end, as on the primary. */
class SystemVersionedTableIT extends RunningPair {
    @Test
    void currentRowsAndHistory() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS sv", "CREATE TABLE sv.t (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING",
                "INSERT INTO sv.t VALUES (1, 1), (2, 2), (3, 3)", "UPDATE sv.t SET v = v + 10 WHERE id = 1",
                "DELETE FROM sv.t WHERE id = 2", "BEGIN", "UPDATE sv.t SET v = 0", "COMMIT");
        assertReplicated();
        String history = "SELECT id, v, HEX(CAST(ROW_START AS BINARY)), HEX(CAST(ROW_END AS BINARY)) FROM sv.t"
                + " FOR SYSTEM_TIME ALL ORDER BY id, ROW_START";
        assertThat(rows(pair.standby, history)).isEqualTo(rows(pair.primary, history));
    }

    private static String rows(MariaDbServer s, String sql) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = s.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
