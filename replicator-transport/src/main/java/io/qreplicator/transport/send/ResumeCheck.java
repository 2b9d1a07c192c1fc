package io.qreplicator.transport.send;

import io.qreplicator.core.record.RecordIdentity;
import io.qreplicator.core.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a session may resume: the source sends on only from a point where the two ends hold the same
 * stream. The sink says where it resumes (what it durably holds, +1) and what its last record is; the
 * source sends from there only if
 * <ul>
 *   <li>its spool still holds that seq (retention took the records in between: fatal, the standby
 *       must be re-seeded);</li>
 *   <li>its spool reaches that far (the sink holds more: this spool's tail was lost in a power loss
 *       and the binlog is being read again, so it waits until it has spooled up to there); and</li>
 *   <li>its record at the sink's last seq is the sink's record (after such a loss the transactions read
 *       again may have been numbered otherwise: orphan parts, changed filters; or this source runs from
 *       an older copy of its data dir). Splicing two different streams would silently lose or double
 *       transactions: fatal.</li>
 * </ul>
 * A spool that no longer holds the sink's last record (retention keeps the last one the standby
 * applied for this check, so only a sink that went back past it names one) cannot be compared: the
 * source says so and resumes, since it holds every record the sink needs next.
 */
final class ResumeCheck {
    private static final Logger log = LoggerFactory.getLogger(LinkSender.class); // its lines keep the name they always had

    private ResumeCheck() {
    }

    /**
     * @param next   the seq the sink asks for
     * @param theirs the sink's last record (seq 0: it holds none)
     * @throws LinkSender.LinkFatalException when resuming there would splice streams or skip records
     * @throws IllegalStateException         when this spool does not reach the sink's position yet (a retry may pass)
     */
    static void check(Spool spool, long next, RecordIdentity theirs, String linkName) {
        long first = spool.firstSeq();
        long last = spool.lastSeq();
        if (first > 0 && next < first) {
            throw new LinkSender.LinkFatalException("the sink needs seq " + next + " but this source's spool starts at seq " + first
                    + ": the records in between are gone. Re-seed the standby (docs/seeding.md).");
        }
        if (next > last + 1) {
            throw new IllegalStateException("the sink holds up to seq " + (next - 1) + " but this source's spool ends at seq "
                    + last + ": waiting until the source has spooled up to there again (did its host lose power?);"
                    + " the record at seq " + (next - 1) + " will then be checked against the sink's");
        }
        if (theirs.seq() == 0) {
            return;
        }
        byte[] mine = spool.read(theirs.seq());
        if (mine == null) {
            log.warn("link {}: cannot check the sink's last record (seq {}): this spool no longer holds it", linkName, theirs.seq());
            return;
        }
        String mismatch = theirs.mismatch(RecordIdentity.of(mine));
        if (mismatch != null) {
            throw new LinkSender.LinkFatalException("the sink's last record, seq " + theirs.seq() + ", is not this source's record"
                    + " of that seq: " + mismatch + ". The two spools hold different streams from there (after a power loss of the"
                    + " source's host, or a source restored from an older copy of its data dir); nothing was sent. Re-seed the"
                    + " standby (docs/seeding.md), or restore the source's data dir that matches the sink.");
        }
    }
}
