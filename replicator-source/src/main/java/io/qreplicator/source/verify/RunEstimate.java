package io.qreplicator.source.verify;

import io.qreplicator.source.snapshot.ReplicatedTables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of a verify run is left, for its progress line: the primary's own estimate of each
 * table's rows ({@code information_schema.TABLES.TABLE_ROWS}, InnoDB's sample, often off by tens of
 * percent) against the rows read, and the rate of this start. An estimate, and shown as one.
 */
final class RunEstimate {
    private final Map<String, Long> rows;
    private final long total;
    private long done;

    private RunEstimate(Map<String, Long> rows) {
        this.rows = rows;
        this.total = rows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The estimates of {@code targets}' rows, one indexed lookup each. */
    static RunEstimate of(Connection c, List<ReplicatedTables.Target> targets) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_ROWS FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            for (ReplicatedTables.Target t : targets) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rows.put(t.schema() + "." + t.table(), rs.next() ? Math.max(0, rs.getLong(1)) : 0);
                }
            }
        }
        return new RunEstimate(rows);
    }

    /** For tests: these tables with these estimates. */
    static RunEstimate of(Map<String, Long> rows) {
        return new RunEstimate(new HashMap<>(rows));
    }

    /** The table {@code name} is verified (or was before a restart). */
    void done(String name) {
        done += rows.getOrDefault(name, 0L);
    }

    /**
     * The progress line's tail: {@code ", about P% done, ETA D"}, or less when that cannot be told.
     *
     * @param inTable       rows read of the table being verified
     * @param readThisStart rows read since this start of the run (for the rate)
     * @param nanos         time since this start
     */
    String remaining(long inTable, long readThisStart, long nanos) {
        if (total <= 0) {
            return "";
        }
        long left = Math.max(0, total - done - inTable);
        long percent = Math.min(99, (total - left) * 100 / total);
        double seconds = nanos / 1e9;
        if (readThisStart <= 0 || seconds < 1) {
            return ", about " + percent + "% done";
        }
        long eta = (long) Math.ceil(left / (readThisStart / seconds));
        return ", about " + percent + "% done, ETA " + format(Duration.ofSeconds(eta));
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return s / 3600 + "h" + String.format("%02dm", s % 3600 / 60);
        }
        if (s >= 60) {
            return s / 60 + "m" + String.format("%02ds", s % 60);
        }
        return s + "s";
    }
}
