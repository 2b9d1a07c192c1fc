package io.qreplicator.source.preflight;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The primary's current binlog position, asked the way its version understands: MySQL 8.4 removed
 * {@code SHOW MASTER STATUS} for {@code SHOW BINARY LOG STATUS} (8.2 and later have both); MariaDB
 * and older MySQL know the first. The one place that asks.
 *
 * @param file    the binlog file being written
 * @param pos     the position after its last event
 * @param gtidSet MySQL's executed GTID set as the statement reports it ("" on MariaDB, which has none there)
 */
public record BinlogStatus(String file, long pos, String gtidSet) {
    /** MySQL's error for a statement it does not parse: an older server without SHOW BINARY LOG STATUS. */
    private static final int PARSE_ERROR = 1064;

    /** @return the position, or null when binary logging is off */
    public static BinlogStatus read(Statement st, boolean mariadb) throws SQLException {
        if (!mariadb) {
            try (ResultSet rs = st.executeQuery("SHOW BINARY LOG STATUS")) {
                return of(rs);
            } catch (SQLException e) {
                if (e.getErrorCode() != PARSE_ERROR) {
                    throw e;
                }
            }
        }
        try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            return of(rs);
        }
    }

    private static BinlogStatus of(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return null;
        }
        String gtids = rs.getMetaData().getColumnCount() >= 5 && rs.getString(5) != null ? rs.getString(5).replace("\n", "") : "";
        return new BinlogStatus(rs.getString(1), rs.getLong(2), gtids);
    }
}
