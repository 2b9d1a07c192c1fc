package io.qreplicator.core.position;

/**
 * A transaction boundary in the primary's binlog: the state right after one whole transaction.
 *
 * <p>Positions are only ever taken at transaction boundaries (after XID/COMMIT, or after a
 * standalone DDL), because a reader that resumes inside a transaction lacks the TABLE_MAP of its
 * row events. {@code gtidState} is the resume point: for MariaDB the last GTID of every domain
 * ({@code 0-1-100,1-2-7}), for MySQL the executed GTID set ({@code uuid:1-100}); it is empty when
 * the primary runs without GTIDs and {@code binlogFile}/{@code binlogPosition} are the fallback.
 *
 * @param gtid           GTID of the transaction that ends here ("" when GTIDs are off)
 * @param gtidState      full GTID state after it, the value to resume from
 * @param binlogFile     binlog file holding the next event
 * @param binlogPosition offset of the next event in {@code binlogFile}
 */
public record SourcePosition(String gtid, String gtidState, String binlogFile, long binlogPosition) {
    public static final SourcePosition NONE = new SourcePosition("", "", "", 0);

    public SourcePosition {
        gtid = gtid == null ? "" : gtid;
        gtidState = gtidState == null ? "" : gtidState;
        binlogFile = binlogFile == null ? "" : binlogFile;
    }

    public boolean hasGtid() {
        return !gtidState.isEmpty();
    }

    @Override
    public String toString() {
        return (hasGtid() ? "gtid " + gtidState + " " : "") + binlogFile + ":" + binlogPosition;
    }
}
