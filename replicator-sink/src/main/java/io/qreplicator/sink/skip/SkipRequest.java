package io.qreplicator.sink.skip;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.status.DurableFiles;
import io.qreplicator.core.status.PropertiesFiles;
import io.qreplicator.sink.apply.DivergenceAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One transaction an operator told the sink to pass over ({@code qrepl sink skip}), as a DBA skips
 * the event group a native replica stopped on ({@code sql_slave_skip_counter = 1}, or an empty
 * transaction committed with its GTID): the way past a statement the standby cannot run and that
 * nothing else gets past (a statement the primary logged cut short, docs/compatibility.md #11; a
 * DDL that diverged, once the operator made the standby right by hand).
 *
 * <p>Invariant: the sink passes over exactly the transaction it stopped on, and says so. The request
 * names the transaction by GTID and seq (both from the sink's message); the first transaction the
 * sink reads after it starts must be that one, or the sink stops and applies nothing (a request
 * written for another stop, or mistyped, must not pass over anything). Each of its records (a large
 * transaction's parts too) is applied empty: its checkpoint moves, nothing else, and a line goes to
 * {@code divergence.log} with who asked, when and why, before its standby transaction commits. The
 * request is over once the standby's checkpoint is at or past its seq, and is removed when the sink
 * next starts.
 */
public final class SkipRequest {
    private static final Logger log = LoggerFactory.getLogger(SkipRequest.class);
    public static final String FILE = "skip.properties";

    private final Path file;
    private final long seq;
    private final String gtid;
    private final String by;
    private final String reason;
    private final String requestedAt;
    private final DivergenceAudit audit;
    private boolean checked;
    private long lastAudited = -1;

    private SkipRequest(Path file, Map<String, String> p, DivergenceAudit audit) {
        this.file = file;
        try {
            this.seq = Long.parseLong(p.get("seq"));
        } catch (NumberFormatException e) {
            throw new io.qreplicator.sink.standby.SinkRefusedException(file + " names no transaction (seq=" + p.get("seq") + "); it is written by qrepl sink"
                    + " skip: remove it and run that command again", e);
        }
        this.gtid = p.getOrDefault("gtid", "");
        this.by = p.getOrDefault("by", "");
        this.reason = p.getOrDefault("reason", "");
        this.requestedAt = p.getOrDefault("requested-at", "");
        this.audit = audit;
    }

    /** Written by {@code qrepl sink skip}: pass over transaction {@code seq} ({@code gtid}, empty if it has none). */
    public static void write(Path dataDir, long seq, String gtid, String by, String reason) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("seq", Long.toString(seq));
        p.put("gtid", gtid);
        p.put("by", by);
        p.put("reason", reason);
        p.put("requested-at", java.time.Instant.now().toString());
        PropertiesFiles.write(dataDir.resolve(FILE), p, "qrepl sink skip: the transaction this sink passes over when it starts");
    }

    /**
     * The request in {@code dataDir}, or null when there is none or it is over (the standby has
     * applied up to {@code checkpointSeq}, at or past it: then it is removed).
     */
    public static SkipRequest load(Path dataDir, long checkpointSeq, DivergenceAudit audit) throws IOException {
        Path f = dataDir.resolve(FILE);
        Map<String, String> p = PropertiesFiles.read(f);
        if (p.isEmpty()) {
            return null;
        }
        SkipRequest r = new SkipRequest(f, p, audit);
        if (r.seq <= checkpointSeq) {
            DurableFiles.delete(f);
            log.info("the skip of {} asked by {} is over: the standby has applied up to seq {} (it was passed over if"
                    + " divergence.log says so, else applied by a sink that ran on before it read the request); removed {}",
                    r.describe(), r.by, checkpointSeq, f);
            return null;
        }
        log.warn("{} asks this sink to pass over {} ({}, by {} at {}): it must be the next transaction the sink applies",
                f, r.describe(), r.reason, r.by, r.requestedAt);
        return r;
    }

    /** {@code tx} as the sink applies it: empty if it is (a part of) the transaction to pass over. */
    public synchronized Transaction filter(Transaction tx) {
        boolean named = gtid.isEmpty() ? tx.seq() == seq : gtid.equals(tx.position().gtid());
        if (!checked) {
            checked = true;
            if (gtid.isEmpty() && tx.position().gtid().isEmpty() && (tx.part() > 0 || !tx.last())) {
                throw new IllegalStateException(file + " asks the sink to pass over seq " + seq + ", and the next transaction"
                        + " it applies is a large one in parts without a GTID, " + describe(tx) + ": the sink cannot tell its"
                        + " parts from other transactions by seq. Remove " + file + " and re-seed the standby from a point after"
                        + " it (docs/seeding.md)");
            }
            if (!named) {
                throw new IllegalStateException(file + " asks the sink to pass over " + describe() + ", but the next"
                        + " transaction it applies is " + describe(tx) + ": it passes over only the transaction it stopped on,"
                        + " so it applies nothing. Remove " + file + " and run qrepl sink skip with the GTID and seq of the"
                        + " transaction named in the sink's error (or start the sink without a skip)");
            }
        }
        if (!named) {
            return tx;
        }
        if (lastAudited != tx.seq()) {
            lastAudited = tx.seq();
            String reasonText = "qrepl sink skip by " + by + " at " + requestedAt + ": " + reason;
            try {
                audit.record("skipped", "transaction " + describe(tx) + " (" + tx.changes().size() + " change(s), none applied)",
                        reasonText);
            } catch (UncheckedIOException e) {
                throw new IllegalStateException("cannot record the skip of " + describe(tx) + " in the divergence audit log,"
                        + " so it is not skipped: " + e.getMessage(), e);
            }
        }
        return tx.withoutChanges();
    }

    /** The seq of the transaction to pass over. */
    public long seq() {
        return seq;
    }

    /** What it asks, who asked, when and why, for the status. */
    @Override
    public String toString() {
        return describe() + " by " + by + " at " + requestedAt + ": " + reason;
    }

    private String describe() {
        return (gtid.isEmpty() ? "" : "GTID " + gtid + " ") + "(seq " + seq + ")";
    }

    private static String describe(Transaction tx) {
        return (tx.position().gtid().isEmpty() ? "" : "GTID " + tx.position().gtid() + " ") + "(seq " + tx.seq()
                + (tx.part() > 0 || !tx.last() ? ", part " + tx.part() : "") + ")";
    }
}
