package io.qreplicator.source.snapshot;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The position in the binlog of a consistent snapshot of the primary. */
public final class Snapshot {
    private Snapshot() {
    }

    /** The binlog file and position of the open consistent snapshot (MariaDB). */
    public static String[] position(Statement st) throws SQLException {
        String file = null;
        String pos = null;
        try (ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                    pos = rs.getString(2);
                }
            }
        }
        if (file == null || file.isEmpty() || pos == null) {
            throw new IllegalStateException("the primary reports no Binlog_snapshot_file/position in a consistent"
                    + " snapshot: verify needs MariaDB with its binary log on");
        }
        return new String[] {file, pos};
    }

}
