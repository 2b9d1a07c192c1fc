package io.qreplicator.core.spool;

import io.qreplicator.core.config.ConfigNode;

import java.time.Duration;

/**
 * How long an agent keeps records it no longer needs (the {@code spool} section of a source or
 * sink). A record is never deleted before it is safe (acknowledged by the sink for a source spool,
 * applied to the standby for a sink spool); once safe, whole spool files go when older than
 * {@code maxAge} or while the spool is larger than {@code maxBytes}.
 *
 * @param maxAge       keep safe records at most this long (default 24h)
 * @param maxBytes     keep at most this many bytes of safe records on disk (default 10GiB)
 * @param minFreeBytes free space kept on the spool's file system: below it, appends pause (default 256MiB)
 * @param rollInterval how much one spool file holds (hourly; tests roll every second)
 */
public record SpoolConfig(Duration maxAge, long maxBytes, long minFreeBytes, Roll rollInterval) {
    /** Granularity of spool files, and so of retention. */
    public enum Roll { HOURLY, SECONDLY_FOR_TESTS }

    public static final SpoolConfig DEFAULTS = new SpoolConfig(Duration.ofHours(24), 10L << 30, 256L << 20, Roll.HOURLY);

    public static SpoolConfig read(ConfigNode n) {
        Duration maxAge = n.duration("max-age", DEFAULTS.maxAge());
        long maxBytes = n.bytes("max-bytes", DEFAULTS.maxBytes());
        long minFree = n.bytes("min-free-bytes", DEFAULTS.minFreeBytes());
        n.finish();
        return new SpoolConfig(maxAge, maxBytes, minFree, Roll.HOURLY);
    }
}
