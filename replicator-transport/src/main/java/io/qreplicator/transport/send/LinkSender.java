package io.qreplicator.transport.send;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.latency.AppendTimes;
import io.qreplicator.core.latency.StageLatency;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.core.status.StageError;
import io.qreplicator.transport.CpuTime;
import io.qreplicator.transport.LinkAccounting;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.LinkCounters;
import io.qreplicator.transport.LinkEpoch;
import io.qreplicator.transport.LinkPipeline;
import io.qreplicator.transport.protocol.BatchCodec;
import io.qreplicator.transport.protocol.LinkMessage;
import io.qreplicator.transport.security.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;

/**
 * The source's end of a link: one session per connection, reconnecting with backoff and jitter.
 *
 * <p>Each session says Hello ({@link SinkHandshake}), lets the sink say where to resume (what it has
 * durably received, +1; {@link ResumeCheck} decides whether it may), and streams the source spool
 * from there in batches ({@link BatchGatherer} says when a batch goes and what it holds) while fewer
 * than {@code max-inflight-bytes} of records are unacknowledged ({@link InFlightWindow});
 * {@link Reconnecting} says when to try again. Acks only ever move forward, and only over what the
 * sink has spooled, so the acknowledged seq is safe to act on (e.g. retention).
 */
public final class LinkSender extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(LinkSender.class);

    /** Refused for good: the two ends disagree about the stream, and resending cannot fix it. */
    public static final class LinkFatalException extends RuntimeException {
        LinkFatalException(String message) {
            super(message);
        }
    }

    private final LinkConfig link;
    private final String cluster;
    private final Spool spool;
    private final LinkCounters counters;
    private final SendTiming timing = new SendTiming();
    private final BatchGatherer batches;
    private final InFlightWindow inFlight;
    private final BooleanSupplier stopped = this::stopRequested;
    private final Reconnecting reconnecting;
    private final Object signal = new Object();
    private EventLoopGroup group;
    private volatile SenderSession session;
    private volatile Channel channel;
    private volatile long sentSeq;
    private volatile long ackedSeq;
    private volatile long lastHeardMillis;
    private volatile long appliedSeq;
    private volatile LinkEpoch epoch;
    private volatile boolean syncBeforeSend;
    /** Set at run time by {@code qrepl pause --source}: nothing more is sent until resumed. */
    private volatile boolean paused;
    /** The sink has reported its applied seq since this sender started: {@link #appliedSeq} is known. */
    private volatile boolean appliedKnown;
    /** The cap in bytes per second, {@code max-bandwidth} until {@code qrepl throttle} changes it; 0 for none. */
    private volatile long maxBandwidth;
    private final StageError error = new StageError();

    private final TlsContexts tls;

    /**
     * @throws io.qreplicator.transport.security.LinkSecurityException when a TLS or token file cannot be used
     */
    public LinkSender(LinkConfig link, String cluster, Spool spool) {
        this(link, cluster, spool, null);
    }

    /**
     * @param accountingDir where per-minute byte counts go ({@code link-out-*.csv}), or null for none
     * @throws io.qreplicator.transport.security.LinkSecurityException when a TLS or token file cannot be used
     */
    public LinkSender(LinkConfig link, String cluster, Spool spool, Path accountingDir) {
        super("link-" + link.name());
        this.link = link;
        this.cluster = cluster;
        this.spool = spool;
        this.reconnecting = new Reconnecting(link);
        this.maxBandwidth = link.maxBandwidth();
        this.tls = TlsContexts.forEnd(link.security(), false);
        this.counters = new LinkCounters(accountingDir, "link-out");
        this.batches = new BatchGatherer(link.maxBatchBytes(), link.batchWait());
        this.inFlight = new InFlightWindow(link.maxInflightBytes());
        if (tls == null) {
            log.warn("link {} sends over plain TCP (plaintext: true): anyone on the path can read the stream;"
                    + " configure links[].tls", link.name());
        }
    }

    @Override
    protected void beforeLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        counters.scheduleOn(group);
    }

    @Override
    protected void runOnce() throws InterruptedException {
        long ackedBefore = ackedSeq;
        Exception failed = null;
        try {
            session();
        } catch (LinkFatalException e) {
            throw e;
        } catch (Exception e) {
            failed = e;
            error.report(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            reconnecting.ended();
            Channel ch = channel;
            if (ch != null) {
                ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                SenderSession s = session;
                if (s != null && !s.endReason().isEmpty()) {
                    error.report(s.endReason());
                }
            }
            channel = null;
        }
        if (stopRequested()) {
            return;
        }
        Duration delay = reconnecting.next(failed, ackedSeq > ackedBefore, error.message());
        synchronized (signal) {
            if (!stopRequested()) {
                signal.wait(delay.toMillis());
            }
        }
    }

    private void session() throws InterruptedException {
        timing.sessionStarted();
        SenderSession s = new SenderSession(signal, () -> lastHeardMillis = System.currentTimeMillis(), timing::acked,
                r -> copyRefused.accept(r.table(), r.startSeq()));
        session = s;
        SinkHandshake.Opened opened = SinkHandshake.open(group, link, cluster, tls, counters, () -> maxBandwidth, epoch, s,
                c -> channel = c);
        Channel ch = opened.channel();
        LinkMessage.Welcome welcome = opened.welcome();
        long next = welcome.nextSeq();
        try {
            ResumeCheck.check(spool, next, welcome.last(), link.name());
        } catch (LinkFatalException e) {
            error.report(e.getMessage());
            ch.writeAndFlush(new LinkMessage.Refuse(e.getMessage())); // the sink logs why this source stopped
            throw e;
        }
        ackedSeq = next - 1;
        sentSeq = next - 1;
        error.clear();
        long interrupted = reconnecting.connected();
        if (interrupted > 0) {
            log.info("link {} connected to {} after {} ms without a session; sending from seq {}", link.name(), link.address(),
                    interrupted, next);
        } else {
            log.info("link {} connected to {}; sending from seq {}", link.name(), link.address(), next);
        }
        stream(ch, s, next);
    }

    private void stream(Channel ch, SenderSession s, long from) throws InterruptedException {
        inFlight.sessionStarted();
        batches.sessionStarted();
        try (SpoolReader reader = spool.reader(from); BatchCodec codec = new BatchCodec(link.compression(), link.zstdLevel())) {
            while (ch.isActive() && !stopRequested()) {
                long acked = s.ackedSeq();
                ackedSeq = acked;
                appliedSeq = Math.max(appliedSeq, s.appliedSeq());
                appliedKnown |= s.appliedReported();
                inFlight.acked(acked);
                if (inFlight.full() || !ch.isWritable() || paused) {
                    synchronized (signal) {
                        signal.wait(50); // a paused link still hears Acks and keeps its session with heartbeats
                    }
                    continue;
                }
                List<byte[]> records = new ArrayList<>();
                long bytes = batches.next(reader, records, stopped);
                if (records.isEmpty()) {
                    reader.awaitAppend(10); // woken by the append; 10 ms at most, to look at the link again
                    continue;
                }
                if (syncBeforeSend) {
                    spool.sync(); // what the sink will hold must survive a power loss here
                }
                long cpu = CpuTime.now();
                LinkMessage.Batch batch = codec.pack(records);
                cpu = CpuTime.now() - cpu;
                ch.writeAndFlush(batch);
                batches.sent();
                sentSeq = batch.firstSeq() + batch.count() - 1;
                timing.sent(batch.firstSeq(), sentSeq);
                inFlight.sent(sentSeq, bytes);
                counters.batch(batch, cpu);
            }
        }
    }

    /** Times each record from its append to the source spool ({@code spooled}) to its batch sent. */
    public LinkSender timedFrom(AppendTimes spooled) {
        timing.from(spooled);
        return this;
    }

    /** From a record spooled to its batch handed to the link. */
    public StageLatency sendLatency() {
        return timing.send();
    }

    /** From a batch handed to the link to the sink's Ack of it. */
    public StageLatency ackLatency() {
        return timing.ack();
    }

    @Override
    protected void wakeUp() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    @Override
    protected void afterLoop() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        counters.close();
    }

    /** Has every Hello carry the source's epoch ({@link LinkEpoch}). */
    public LinkSender epoch(LinkEpoch epoch) {
        this.epoch = epoch;
        return this;
    }

    private volatile ObjLongConsumer<String> copyRefused = (table, startSeq) -> { };

    /** Tells {@code listener} ({@code schema.table}, its start step's seq) of each copy the sink refused, on the link's event loop. */
    public LinkSender onCopyRefused(ObjLongConsumer<String> listener) {
        this.copyRefused = listener;
        return this;
    }

    /** Forces the spool to disk before each batch is sent ({@code spool.sync: batch}). */
    public LinkSender syncBeforeSend(boolean sync) {
        this.syncBeforeSend = sync;
        return this;
    }

    /** The highest seq the sink says the standby has committed: records up to it may be deleted. */
    public long appliedSeq() {
        return appliedSeq;
    }

    /** When the sink was last heard (any frame); 0 not since this sender started. */
    public long lastHeardMillis() {
        return lastHeardMillis;
    }

    /**
     * Pauses or resumes sending (the session stays open, Acks still come): records pile up in the
     * source spool, which keeps reading the binlog. Not kept across a restart.
     */
    public void pause(boolean pause) {
        paused = pause;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    public boolean paused() {
        return paused;
    }

    /**
     * Changes the bandwidth cap of this and later sessions (bytes per second on the wire, TLS
     * included; 0 for none) without a restart. Not kept across a restart: the config's
     * {@code max-bandwidth} applies again.
     */
    public void maxBandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a bandwidth cap cannot be negative: " + bytesPerSecond);
        }
        maxBandwidth = bytesPerSecond;
        Channel ch = channel;
        if (ch != null) {
            ch.eventLoop().execute(() -> LinkPipeline.cap(ch.pipeline(), bytesPerSecond));
        }
    }

    public long maxBandwidth() {
        return maxBandwidth;
    }

    /** True once the sink has reported what the standby applied (the first Ack of this process). */
    public boolean appliedKnown() {
        return appliedKnown;
    }

    /** The highest seq sent to the sink in this session or an earlier one. */
    public long sentSeq() {
        return sentSeq;
    }

    /** The highest seq the sink has acknowledged as durably spooled. */
    public long ackedSeq() {
        return ackedSeq;
    }

    /** The error the link met and is retrying past, and how many it has met. */
    public StageError error() {
        return error;
    }

    /** True while a session with the peer is open. */
    public boolean connected() {
        Channel c = channel;
        return c != null && c.isActive();
    }

    /** The link's cumulative counts since this start, in the order of {@link LinkAccounting#COUNTERS}. */
    public long[] counters() {
        return counters.read();
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Channel ch = channel;
        m.put("link.address", link.address().toString());
        m.put("link.security", link.security().describe());
        m.put("link.max-bandwidth", maxBandwidth);
        m.put("link.paused", paused);
        m.put("link.connected", ch != null && ch.isActive());
        m.put("link.sent.seq", sentSeq);
        m.put("link.acked.seq", ackedSeq);
        m.put("link.last-heard-ms", lastHeardMillis);
        m.put("link.applied.seq", appliedSeq);
        m.put("link.inflight-bytes", inFlight.bytes());
        m.put("link.inflight-bytes-max", inFlight.peak());
        counters.publish(m, true);
        m.put("link.compression", ConfigNode.word(link.compression()));
        reconnecting.publish(m);
        error.publish(m, "link.last-error", failure(), failedAtMillis());
        return m;
    }
}
