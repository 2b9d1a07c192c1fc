package io.qreplicator.source.schema;

import io.qreplicator.core.sql.DdlTargets;
import io.qreplicator.core.sql.StatementKind;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds DDL statements the binlog holds beyond the point being read, with SHOW BINLOG EVENTS.
 *
 * <p>It remembers how far it has scanned and the DDL it found there, so that a source far behind
 * the primary reads each stretch of binlog once, not once per table it needs to look up.
 */
final class BinlogLookahead {
    /** A DDL statement at a binlog position. */
    record Ddl(String file, long position, String sql, DdlTargets targets) {
        @Override
        public String toString() {
            return file + ":" + position + " (" + (sql.length() > 160 ? sql.substring(0, 160) + "..." : sql) + ")";
        }
    }

    private static final Pattern USE_PREFIX = Pattern.compile("^use `((?:[^`]|``)+)`; (.*)$", Pattern.DOTALL);
    private static final int PAGE = 10_000;

    private final List<Ddl> found = new ArrayList<>();
    private String startFile;
    private long startPosition;
    private String scannedFile;
    private long scannedPosition;

    /**
     * @return the first DDL at or after {@code file:position} that may change {@code schema.table},
     * or null when the binlog, up to its current end, holds none
     */
    Ddl firstTouching(Connection c, String file, long position, String schema, String table) throws SQLException {
        if (scannedFile == null || compare(file, position, startFile, startPosition) < 0
                || compare(file, position, scannedFile, scannedPosition) > 0) {
            found.clear();
            startFile = file;
            startPosition = position;
            scannedFile = file;
            scannedPosition = position;
        }
        found.removeIf(d -> compare(d.file, d.position, file, position) < 0);
        startFile = file;
        startPosition = position;
        scanToEnd(c);
        for (Ddl d : found) {
            if (d.targets.touches(schema, table)) {
                return d;
            }
        }
        return null;
    }

    private void scanToEnd(Connection c) throws SQLException {
        List<String> files = binaryLogs(c);
        int i = files.indexOf(scannedFile);
        if (i < 0) {
            throw new SQLException("binlog file " + scannedFile + " is no longer on the primary (SHOW BINARY LOGS)");
        }
        try (Statement st = c.createStatement()) {
            for (; i < files.size(); i++) {
                String f = files.get(i);
                long from = f.equals(scannedFile) ? scannedPosition : 4;
                int rows;
                do {
                    rows = 0;
                    try (ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + f.replace("'", "''") + "' FROM " + from
                            + " LIMIT " + PAGE)) {
                        while (rs.next()) {
                            rows++;
                            long pos = rs.getLong("Pos");
                            if ("Query".equals(rs.getString("Event_type"))) {
                                consider(f, pos, rs.getString("Info"));
                            }
                            from = Math.max(from, rs.getLong("End_log_pos"));
                        }
                    }
                } while (rows == PAGE);
                scannedFile = f;
                scannedPosition = from;
            }
        }
    }

    private void consider(String file, long position, String info) {
        if (info == null || info.equals("BEGIN") || info.equals("COMMIT")) {
            return;
        }
        String database = "";
        String sql = info;
        Matcher m = USE_PREFIX.matcher(info);
        if (m.matches()) {
            database = m.group(1).replace("``", "`");
            sql = m.group(2);
        }
        if (StatementKind.of(sql) == StatementKind.DDL) {
            DdlTargets t = DdlTargets.of(database, sql);
            if (!t.isEmpty()) {
                found.add(new Ddl(file, position, sql, t));
            }
        }
    }

    private static List<String> binaryLogs(Connection c) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    /** Orders binlog positions: by the file's sequence number, then the offset. */
    static int compare(String fileA, long posA, String fileB, long posB) {
        int byFile = Long.compare(sequence(fileA), sequence(fileB));
        return byFile != 0 ? byFile : Long.compare(posA, posB);
    }

    private static long sequence(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("binlog file name without a sequence number: " + file, e);
        }
    }
}
