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
 * @param sync         when appended records are forced to disk, so that a power loss cannot take back
 *                     what the peer was given
 */
public record SpoolConfig(Duration maxAge, long maxBytes, long minFreeBytes, Roll rollInterval, Sync sync) {
    /** Granularity of spool files, and so of retention. */
    public enum Roll { HOURLY, SECONDLY_FOR_TESTS }

    /**
     * When the spool is forced to disk. A record in the page cache survives the agent's crash but not
     * the host's power loss.
     */
    public enum Sync {
        /** Never explicitly: the kernel writes pages back when it will (about 30 s). */
        NONE,
        /** Before every batch leaves it: sent by the source, acknowledged by the sink. */
        BATCH
    }

    public static final SpoolConfig DEFAULTS = new SpoolConfig(Duration.ofHours(24), 10L << 30, 256L << 20, Roll.HOURLY,
            Sync.NONE);

    public SpoolConfig(Duration maxAge, long maxBytes, long minFreeBytes, Roll rollInterval) {
        this(maxAge, maxBytes, minFreeBytes, rollInterval, Sync.NONE);
    }

    /** @param defaultSync the agent's default: the source syncs before sending, the sink need not (see configuration.md) */
    public static SpoolConfig read(ConfigNode n, Sync defaultSync) {
        Duration maxAge = n.duration("max-age", DEFAULTS.maxAge());
        long maxBytes = n.bytes("max-bytes", DEFAULTS.maxBytes());
        long minFree = n.bytes("min-free-bytes", DEFAULTS.minFreeBytes());
        Sync sync = n.enumValue("sync", Sync.class, defaultSync);
        n.finish();
        return new SpoolConfig(maxAge, maxBytes, minFree, Roll.HOURLY, sync);
    }
}
