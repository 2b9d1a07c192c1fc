package io.qreplicator.core.record;

import io.qreplicator.core.position.SourcePosition;

/**
 * What makes a spooled record the one it is, beyond its seq: the primary's GTID state and binlog
 * position right after its transaction (what the standby's checkpoint keeps too), and the record's
 * checksum. Two spools that agree on a seq's identity hold the same stream
 * up to it; a source and a sink that do not (the source lost its spool's tail in a power loss and
 * numbered the re-read transactions differently, or a restored snapshot runs) must not be spliced.
 *
 * @param crc the record's CRC32C, or -1 when only the standby's checkpoint names the record
 */
public record RecordIdentity(long seq, String gtidState, String binlogFile, long binlogPosition, long crc) {
    /** Nothing received yet. */
    public static final RecordIdentity NONE = new RecordIdentity(0, "", "", 0, -1);

    public static RecordIdentity of(byte[] record) {
        SourcePosition p = RecordCodec.decode(record).position();
        return new RecordIdentity(RecordHeader.seq(record), p.gtidState(), p.binlogFile(), p.binlogPosition(),
                RecordHeader.storedCrc(record));
    }

    public static RecordIdentity of(long seq, SourcePosition p) {
        return new RecordIdentity(seq, p.gtidState(), p.binlogFile(), p.binlogPosition(), -1);
    }

    /** @return null when {@code mine} (the same seq, from another spool) is this record; else what differs */
    public String mismatch(RecordIdentity mine) {
        if (!gtidState.equals(mine.gtidState) || !binlogFile.equals(mine.binlogFile) || binlogPosition != mine.binlogPosition) {
            return "it is the transaction " + this.describe() + " there and " + mine.describe() + " here";
        }
        if (crc >= 0 && mine.crc >= 0 && crc != mine.crc) {
            return "the same transaction (" + describe() + ") but other content (checksum " + Long.toHexString(crc)
                    + " there, " + Long.toHexString(mine.crc) + " here: were filters or column rules changed?)";
        }
        return null;
    }

    private String describe() {
        return (gtidState.isEmpty() ? "" : "ending at GTID state " + gtidState + ", ") + binlogFile + ":" + binlogPosition;
    }
}
