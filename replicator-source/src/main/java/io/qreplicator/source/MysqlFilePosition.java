package io.qreplicator.source;

import com.github.shyiko.mysql.binlog.GtidSet;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.source.preflight.SourceRefusedException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GTID set a GTID-enabled MySQL had executed at a binlog file position: the file's
 * Previous_gtids, plus every GTID logged before the position. A spool started at {@code file:NAME:POS}
 * must carry it: the source resumes by GTID after its first reconnect, and a set holding only the
 * transactions it read would have the server send its whole history before them. (MariaDB answers
 * the same question with BINLOG_GTID_POS.) The position must be where a transaction starts.
 */
final class MysqlFilePosition {
    private static final Pattern GTID_NEXT = Pattern.compile("'([^']+)'");

    private MysqlFilePosition() {
    }

    /** @return the executed set at {@code file:pos}, or "" when the server does not run with gtid_mode=ON */
    static String gtidSetAt(Statement st, String file, long pos) throws SQLException {
        if (!"ON".equalsIgnoreCase(Jdbc.scalar(st, "SELECT @@global.gtid_mode"))) {
            return "";
        }
        GtidSet set = null;
        boolean boundary = pos == 4;
        long lastEnd = 4;
        try (ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + file.replace("'", "''") + "'")) {
            while (rs.next()) {
                long start = rs.getLong("Pos");
                String type = rs.getString("Event_type");
                String info = rs.getString("Info");
                if ("Previous_gtids".equals(type)) {
                    set = new GtidSet(info == null ? "" : info.replace("\n", ""));
                }
                if (start >= pos && set != null) {
                    boundary |= start == pos && ("Gtid".equals(type) || "Anonymous_Gtid".equals(type));
                    break;
                }
                if ("Gtid".equals(type) && set != null) {
                    Matcher m = GTID_NEXT.matcher(info == null ? "" : info);
                    if (!m.find()) {
                        throw new SourceRefusedException("cannot read the GTID of the event at " + file + ":" + start + " ("
                                + info + ")");
                    }
                    set.add(m.group(1));
                }
                lastEnd = rs.getLong("End_log_pos");
            }
        }
        if (set == null) {
            throw new SourceRefusedException("binlog file " + file + " has no Previous_gtids event (is it on the primary?)");
        }
        if (!boundary && pos != lastEnd) {
            throw new SourceRefusedException("start-position file:" + file + ":" + pos + " is not where a transaction starts"
                    + " (a Gtid event) on this GTID-enabled primary: starting there would split a transaction. Use the"
                    + " position of a Gtid event (SHOW BINLOG EVENTS IN '" + file + "'), or start-position: gtid:SET");
        }
        return set.toString();
    }
}
