package io.qreplicator.source;

import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.source.preflight.BinlogStatus;
import io.qreplicator.source.preflight.PrimaryInfo;
import io.qreplicator.source.preflight.SourceRefusedException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Turns a {@link StartPosition} into a concrete transaction boundary on the primary. On MariaDB the
 * GTID state is taken with BINLOG_GTID_POS(file, pos) for the very file/pos reported, so the two
 * cannot disagree even while the primary is busy; on a GTID-enabled MySQL a file position's set is
 * read from the file ({@link MysqlFilePosition}), and the current position from the binlog status
 * ({@link io.qreplicator.source.preflight.BinlogStatus}: MySQL 8.4's SHOW BINARY LOG STATUS).
 */
final class StartPositionResolver {
    private StartPositionResolver() {
    }

    static SourcePosition resolve(Connection c, PrimaryInfo primary, StartPosition start) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (start instanceof StartPosition.Gtid g) {
                return new SourcePosition("", g.state(), "", 0);
            }
            String file;
            long pos;
            String gtidSet = "";
            if (start instanceof StartPosition.File f) {
                file = f.name();
                pos = f.position();
                if (!primary.mariadb()) {
                    gtidSet = MysqlFilePosition.gtidSetAt(st, file, pos);
                }
            } else if (start instanceof StartPosition.Earliest) {
                try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                    if (!rs.next()) {
                        throw new SourceRefusedException("the primary lists no binary logs");
                    }
                    file = rs.getString(1);
                    pos = 4;
                }
                if (!primary.mariadb()) {
                    gtidSet = io.qreplicator.source.preflight.Jdbc.scalar(st, "SELECT @@global.gtid_purged");
                }
            } else {
                BinlogStatus status = BinlogStatus.read(st, primary.mariadb());
                if (status == null) {
                    throw new SourceRefusedException("the primary reports no binlog position: binary logging is off on it");
                }
                file = status.file();
                pos = status.pos();
                gtidSet = primary.mariadb() ? "" : status.gtidSet();
            }
            if (primary.mariadb()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                    ps.setString(1, file);
                    ps.setLong(2, pos);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        String g = rs.getString(1);
                        if (g == null) {
                            throw new SourceRefusedException("the primary has no binlog position " + file + ":" + pos
                                    + " (BINLOG_GTID_POS returned NULL); check the configured start-position");
                        }
                        gtidSet = g;
                    }
                }
            }
            return new SourcePosition("", gtidSet, file, pos);
        }
    }
}
