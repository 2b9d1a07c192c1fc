package io.qreplicator.sink.failover;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.role.SourceRoles;
import io.qreplicator.core.status.PropertiesFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the failed-over link's sink passes over after {@code qrepl rejoin --rewind} undid the old
 * primary's unshipped transactions in place.
 *
 * <p>Invariant: nothing the old primary's source spooled before the stand-down row the rejoin wrote
 * reaches the new primary. Those are the transactions the rewind took back (and their undo, and
 * heartbeats): the source may still hold them in its spool, unsent, and would send them as soon as
 * this sink runs again. So every transaction of the stream is applied empty (the checkpoint moves,
 * nothing else) until the one holding that stand-down row, which is applied, as is everything after
 * it. Where that row was is written down ({@code through-seq}) before anything after it is applied,
 * so a restart passes over exactly the same transactions.
 *
 * <p>The rejoin writes {@link #FILE} into this sink's {@code DATA_DIR/failover} before the sink may
 * run again.
 */
public final class RewoundStream {
    private static final Logger log = LoggerFactory.getLogger(RewoundStream.class);
    public static final String FILE = "rewound.properties";

    private final Path file;
    private final String source;
    private final String schema;
    private final long epoch;
    private long throughSeq;
    private long passedOver;

    private RewoundStream(Path file, String source, String schema, long epoch, long throughSeq) {
        this.file = file;
        this.source = source;
        this.schema = schema;
        this.epoch = epoch;
        this.throughSeq = throughSeq;
    }

    /** Written by the rejoin: pass over {@code source}'s stream up to its stand-down row of {@code epoch}. */
    public static void write(Path dataDir, String source, String schema, long epoch, String run) throws IOException {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("source", source);
        p.put("schema", schema);
        p.put("epoch", Long.toString(epoch));
        p.put("run", run);
        Files.createDirectories(dataDir.resolve(StandDown.DIR));
        PropertiesFiles.write(dataDir.resolve(StandDown.DIR).resolve(FILE), p, "qrepl rejoin --rewind: what this sink passes over");
    }

    /** The pass-over a rejoin asked of this sink, or null for none. */
    public static RewoundStream load(Path dataDir) throws IOException {
        Path f = dataDir.resolve(StandDown.DIR).resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        Map<String, String> p = PropertiesFiles.read(f);
        return new RewoundStream(f, p.get("source"), p.get("schema"), Long.parseLong(p.get("epoch")),
                Long.parseLong(p.getOrDefault("through-seq", "-1")));
    }

    /** {@code tx} as this sink applies it: empty while it comes before the stand-down row. */
    public synchronized Transaction filter(Transaction tx) {
        if (throughSeq >= 0) {
            return tx.seq() <= throughSeq ? tx.withoutChanges() : tx;
        }
        if (SourceRoles.standDownEpoch(tx, schema, source) >= epoch) {
            throughSeq = tx.seq() - 1;
            try {
                Map<String, String> p = new java.util.LinkedHashMap<>(PropertiesFiles.read(file));
                p.put("through-seq", Long.toString(throughSeq));
                PropertiesFiles.write(file, p, "qrepl rejoin --rewind: what this sink passes over");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record in " + file + " where the rewound stream ends: " + e.getMessage(), e);
            }
            log.info("{}'s stand-down row of epoch {} is at seq {}: the {} transaction(s) before it that the rejoin's rewind took"
                    + " back on the old primary were passed over; applying from here", source, epoch, tx.seq(), passedOver);
            return tx;
        }
        passedOver++;
        return tx.withoutChanges();
    }
}
