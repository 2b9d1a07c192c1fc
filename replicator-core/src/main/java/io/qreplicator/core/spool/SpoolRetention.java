package io.qreplicator.core.spool;

import io.qreplicator.core.lifecycle.RunLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Deletes spool files that are no longer needed, every {@code checkEveryMillis}.
 *
 * <p>Invariant: a file is deleted only when every record in it has a seq at or below
 * {@code safeSeq} (acknowledged by the sink, for a source spool; applied to the standby, for a sink
 * spool), and never the file being written. Among safe files, the oldest go first while they are
 * older than the max age or the spool is over its size limit. A spool that is large because the
 * peer is behind keeps everything: the fix for a full disk is then a bigger disk or a re-provision,
 * never silently dropped transactions.
 */
public final class SpoolRetention extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(SpoolRetention.class);

    private final Spool spool;
    private final SpoolConfig config;
    private final LongSupplier safeSeq;
    private final long checkEveryMillis;

    public SpoolRetention(String agent, Spool spool, SpoolConfig config, LongSupplier safeSeq, long checkEveryMillis) {
        super(agent + "-retention");
        this.spool = spool;
        this.config = config;
        this.safeSeq = safeSeq;
        this.checkEveryMillis = checkEveryMillis;
    }

    @Override
    protected void runOnce() throws InterruptedException {
        try {
            int n = spool.deleteSafeFiles(safeSeq.getAsLong(), config.maxAge(), config.maxBytes());
            if (n > 0) {
                log.info("retention: deleted {} spool file(s) of {} up to seq {}", n, spool.directory(), safeSeq.getAsLong());
            }
        } catch (RuntimeException e) {
            log.warn("retention of {} failed: {}", spool.directory(), e.toString());
        }
        pause(checkEveryMillis);
    }
}
