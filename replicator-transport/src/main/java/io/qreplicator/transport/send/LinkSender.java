package io.qreplicator.transport.send;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.lifecycle.Backoff;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.transport.CpuTime;
import io.qreplicator.transport.LinkAccounting;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.LinkPipeline;
import io.qreplicator.transport.WireCounter;
import io.qreplicator.transport.protocol.BatchCodec;
import io.qreplicator.transport.protocol.LinkMessage;
import io.qreplicator.transport.protocol.Protocol;
import io.qreplicator.transport.security.LinkToken;
import io.qreplicator.transport.security.TlsContexts;
import io.qreplicator.core.status.Interruptions;
import io.qreplicator.core.status.StageError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The source's end of a link: one session per connection, reconnecting with backoff and jitter.
 *
 * <p>Each session says Hello, lets the sink say where to resume (what it has durably received, +1),
 * and streams the source spool from there. A batch is whatever the spool holds, up to
 * {@code max-batch-bytes} (a session's first batches less: {@link #FIRST_BATCH_BYTES}). It goes at
 * once when the last batch went {@code batch-wait} ago or more (a transaction after a quiet spell
 * waits for nothing), and a full batch never waits; otherwise it gathers until {@code batch-wait}
 * after the last one (0: never waits). So a link carries at most
 * one batch that is not full per {@code batch-wait}: at moderate rates one frame, one TLS record,
 * one packet and one Ack carry several transactions. Letting batches grow only while an earlier one
 * awaits its Ack (group commit's rule) was measured and not kept: where the round trip is short
 * (a thin link whose queue is not full, a LAN) it sent nearly every transaction alone, about a
 * quarter more bytes per transaction on the 2 Mbit/s link (docs/benchmarks.md, issue 21). At most {@code max-inflight-bytes} of
 * records may be unacknowledged; past that the loop waits for Acks, so a slow sink holds the
 * source's reading (and memory) back instead of being overrun. Acks only ever move forward, and
 * only over what the sink has spooled, so the acknowledged seq is safe to act on (e.g. retention).
 */
public final class LinkSender extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(LinkSender.class);

    /** Refused for good: the two ends disagree about the stream, and resending cannot fix it. */
    public static final class LinkFatalException extends RuntimeException {
        LinkFatalException(String message) {
            super(message);
        }
    }

    /**
     * A session's first batch ends at the record that reaches this many bytes, and each later batch's
     * limit is twice the one before, until {@code max-batch-bytes} ({@link SlowStart}). A session begins after a
     * reconnect, usually with a backlog and often with a sink that has just started (a cold JVM) and a
     * codec that has not run since this agent started: a first batch of a whole megabyte (about two
     * thousand sysbench transactions) held the sink's first transaction behind that megabyte's
     * compression, transfer and decompression: 0.26 s from the session's start to the batch in the
     * sink's spool on loopback, against 0.12-0.17 s for 64 KiB; and its 415 KB of payload alone take
     * 1.7 s to cross a 2 Mbit/s link, 64 KiB's 25 KB a tenth of a second. Over 2 Mbit/s the standby
     * applied its first transaction 2.9-3.1 s after its sink's restart with a full first batch, 1.2-1.4 s
     * with this one (scripts/bench/resume-thinlink.sh; docs/benchmarks.md, issue 21).
     * From the fifth batch on (with the defaults) the link sends full ones: a backlog catches up as fast
     * as before, in three more batches per session.
     */
    static final long FIRST_BATCH_BYTES = 64 << 10;

    private record InFlight(long lastSeq, long bytes) {
    }

    private final LinkConfig link;
    private final String cluster;
    private final Spool spool;
    private final WireCounter counter = new WireCounter();
    private final WireCounter frames = new WireCounter();
    private final java.util.concurrent.atomic.AtomicLong batchCount = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong recordBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong payload = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong codecNanos = new java.util.concurrent.atomic.AtomicLong();
    private final LinkAccounting accounting;
    /** Cumulative counts since this start, in the order of {@link LinkAccounting#COUNTERS}. */
    private final List<java.util.function.LongSupplier> totals;
    private final Backoff backoff;
    private final Object signal = new Object();
    private EventLoopGroup group;
    private volatile SenderSession session;
    private volatile Channel channel;
    private volatile long sentSeq;
    private volatile long ackedSeq;
    private volatile long lastHeardMillis;
    private volatile long appliedSeq;
    private volatile io.qreplicator.transport.LinkEpoch epoch;
    private volatile boolean syncBeforeSend;
    private volatile long inFlightNow;
    private volatile long inFlightMax;
    /** Set at run time by {@code qrepl pause --source}: nothing more is sent until resumed. */
    private volatile boolean paused;
    /** The sink has reported its applied seq since this sender started: {@link #appliedSeq} is known. */
    private volatile boolean appliedKnown;
    /** The cap in bytes per second, {@code max-bandwidth} until {@code qrepl throttle} changes it; 0 for none. */
    private volatile long maxBandwidth;
    private final StageError error = new StageError();
    private final Interruptions interruptions = new Interruptions(System.currentTimeMillis());
    private final io.qreplicator.core.lifecycle.RetryLog retries = new io.qreplicator.core.lifecycle.RetryLog();
    /** Tries since the last session, and the delays chosen meanwhile: the status's view of the reconnecting. */
    private volatile long triesNow;
    private volatile long retryDelayMs;
    private volatile long retryDelayMaxMs;
    private volatile io.qreplicator.core.latency.AppendTimes appendTimes;
    /** When the last batch was handed to the link ({@link System#nanoTime()}); a batch after it waits until batch-wait later. */
    private long lastSentNanos = System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1);
    /** (last seq, nanoTime) of each batch sent and not yet acknowledged. */
    private final ArrayDeque<long[]> sentTimes = new ArrayDeque<>();
    private final io.qreplicator.core.latency.StageLatency sendLatency = new io.qreplicator.core.latency.StageLatency(
            "source-spool-to-link", "From a record appended to the source spool to its batch handed to the link (waiting for"
            + " the sender, gathering until batch-wait after the last batch, the spool sync, compression).");
    private final io.qreplicator.core.latency.StageLatency ackLatency = new io.qreplicator.core.latency.StageLatency(
            "link-round-trip", "From a batch handed to the link to the sink's Ack of it: TLS, the network both ways and the"
            + " sink's receive (decompression, spool append).");

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
    public LinkSender(LinkConfig link, String cluster, Spool spool, java.nio.file.Path accountingDir) {
        super("link-" + link.name());
        this.link = link;
        this.cluster = cluster;
        this.spool = spool;
        this.backoff = new Backoff(link.reconnectMin(), link.reconnectMax());
        this.maxBandwidth = link.maxBandwidth();
        this.tls = TlsContexts.forEnd(link.security(), false);
        this.totals = List.of(batchCount::get, recordBytes::get, payload::get, frames::bytesOut, frames::bytesIn, counter::bytesOut,
                counter::bytesIn, () -> codecNanos.get() / 1000);
        this.accounting = accountingDir == null ? null : new LinkAccounting(accountingDir, "link-out", totals);
        if (tls == null) {
            log.warn("link {} sends over plain TCP (plaintext: true): anyone on the path can read the stream;"
                    + " configure links[].tls", link.name());
        }
    }

    @Override
    protected void beforeLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        if (accounting != null) {
            accounting.scheduleOn(group);
        }
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
            interruptions.ended(System.currentTimeMillis());
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
        if (ackedSeq > ackedBefore) {
            backoff.reset();
        }
        Duration delay = backoff.next(failed); // a sink that is not listening is tried again every min-delay
        retryDelayMs = delay.toMillis();
        retryDelayMaxMs = Math.max(retryDelayMaxMs, retryDelayMs);
        if (retries.failed(System.currentTimeMillis())) {
            log.warn("link {} to {} down ({}); reconnecting in {} ms (try {}; logged again in 30 s if it stays down)", link.name(),
                    link.address(), error.message(), delay.toMillis(), retries.tries());
        }
        triesNow = retries.tries();
        synchronized (signal) {
            if (!stopRequested()) {
                signal.wait(delay.toMillis());
            }
        }
    }

    private void session() throws Exception {
        synchronized (sentTimes) {
            sentTimes.clear(); // batches of an earlier session are sent again, and timed again
        }
        SenderSession s = new SenderSession(signal, () -> lastHeardMillis = System.currentTimeMillis(), this::acked,
                r -> copyRefused.accept(r.table(), r.startSeq()));
        session = s;
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) link.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkPipeline.Ends ends = new LinkPipeline.Ends(tls == null ? null : tls.current(), link.sink(),
                                s::refused, maxBandwidth);
                        LinkPipeline.build(ch.pipeline(), counter, frames, link, ends, s);
                    }
                });
        ChannelFuture cf = b.connect(link.address().host(), link.address().port()).await();
        if (!cf.isSuccess()) {
            throw new IllegalStateException("cannot connect to sink at " + link.address() + ": " + cf.cause().getMessage(), cf.cause());
        }
        Channel ch = cf.channel();
        channel = ch;
        long cap = maxBandwidth;
        ch.eventLoop().execute(() -> LinkPipeline.cap(ch.pipeline(), cap)); // a throttle that came while connecting
        LinkToken token = LinkToken.read(link.security().tokenFile()); // read anew: it may have been rotated
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        attributes.put(LinkMessage.Hello.COPY_REFUSALS, "1");
        if (token != null) {
            attributes.put(LinkMessage.Hello.TOKEN, token.value());
        }
        if (epoch != null) {
            attributes.put(LinkMessage.Hello.EPOCH, epoch.toString());
        }
        ch.writeAndFlush(new LinkMessage.Hello(Protocol.VERSION, cluster, link.source(), attributes));
        LinkMessage.Welcome welcome;
        try {
            welcome = s.welcome.get(link.peerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(s.endReason().isEmpty() ? e.getCause().getMessage() : s.endReason());
        }
        long next = welcome.nextSeq();
        checkResumable(next);
        checkSameStream(welcome.last());
        ackedSeq = next - 1;
        sentSeq = next - 1;
        error.clear();
        retries.succeeded();
        triesNow = 0;
        retryDelayMaxMs = 0;
        long interrupted = interruptions.resumed(System.currentTimeMillis());
        if (interrupted > 0) {
            log.info("link {} connected to {} after {} ms without a session; sending from seq {}", link.name(), link.address(),
                    interrupted, next);
        } else {
            log.info("link {} connected to {}; sending from seq {}", link.name(), link.address(), next);
        }
        stream(ch, s, next);
    }

    private void checkResumable(long next) {
        long first = spool.firstSeq();
        long last = spool.lastSeq();
        if (first > 0 && next < first) {
            fatal("the sink needs seq " + next + " but this source's spool starts at seq " + first
                    + ": the records in between are gone. Re-seed the standby (docs/seeding.md).");
        }
        if (next > last + 1) {
            // the sink holds more than this spool: its tail was lost (a power loss before the kernel wrote it back)
            // and the binlog is being read again, or it is another stream's; once the spool is back at the sink's
            // seq, checkSameStream tells which. Until then nothing is sent.
            throw new IllegalStateException("the sink holds up to seq " + (next - 1) + " but this source's spool ends at seq "
                    + last + ": waiting until the source has spooled up to there again (did its host lose power?);"
                    + " the record at seq " + (next - 1) + " will then be checked against the sink's");
        }
    }

    /**
     * The sink's last record must be this spool's record at that seq: after a power loss took the
     * tail of this spool, the transactions read again may have been numbered otherwise (orphan parts,
     * changed filters), and sending on from there would splice two different streams.
     */
    private void checkSameStream(io.qreplicator.core.record.RecordIdentity theirs) {
        if (theirs.seq() == 0) {
            return;
        }
        byte[] mine = spool.read(theirs.seq());
        if (mine == null) {
            log.warn("link {}: cannot check the sink's last record (seq {}): this spool no longer holds it", link.name(),
                    theirs.seq());
            return;
        }
        String mismatch = theirs.mismatch(io.qreplicator.core.record.RecordIdentity.of(mine));
        if (mismatch != null) {
            fatal("the sink's last record, seq " + theirs.seq() + ", is not this source's record of that seq: " + mismatch
                    + ". The two spools hold different streams from there (after a power loss of the source's host, or a"
                    + " source restored from an older copy of its data dir); nothing was sent. Re-seed the standby (docs/seeding.md),"
                    + " or restore the source's data dir that matches the sink.");
        }
    }

    private void fatal(String message) {
        error.report(message);
        channel.writeAndFlush(new LinkMessage.Refuse(message));
        throw new LinkFatalException(message);
    }

    private void stream(Channel ch, SenderSession s, long from) throws InterruptedException {
        ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        long inFlightBytes = 0;
        SlowStart ramp = new SlowStart(FIRST_BATCH_BYTES, link.maxBatchBytes());
        try (SpoolReader reader = spool.reader(from); BatchCodec codec = new BatchCodec(link.compression(), link.zstdLevel())) {
            while (ch.isActive() && !stopRequested()) {
                long acked = s.ackedSeq();
                ackedSeq = acked;
                appliedSeq = Math.max(appliedSeq, s.appliedSeq());
                appliedKnown |= s.appliedReported();
                while (!inFlight.isEmpty() && inFlight.peekFirst().lastSeq() <= acked) {
                    inFlightBytes -= inFlight.pollFirst().bytes();
                }
                inFlightNow = inFlightBytes;
                if (inFlightBytes >= link.maxInflightBytes() || !ch.isWritable() || paused) {
                    synchronized (signal) {
                        signal.wait(50); // a paused link still hears Acks and keeps its session with heartbeats
                    }
                    continue;
                }
                List<byte[]> records = new ArrayList<>();
                long bytes = take(reader, records, 0, ramp.limit());
                if (records.isEmpty()) {
                    reader.awaitAppend(10); // woken by the append; 10 ms at most, to look at the link again
                    continue;
                }
                long due = lastSentNanos + link.batchWait().toNanos();
                if (bytes < ramp.limit() && due - System.nanoTime() > 0) {
                    // the last batch went less than batch-wait ago: this one gathers until batch-wait after it (or
                    // is full); after a quiet spell it goes at once
                    gather(due);
                    bytes = take(reader, records, bytes, ramp.limit());
                }
                if (syncBeforeSend) {
                    spool.sync(); // what the sink will hold must survive a power loss here
                }
                long cpu = CpuTime.now();
                LinkMessage.Batch batch = codec.pack(records);
                codecNanos.addAndGet(CpuTime.now() - cpu);
                ch.writeAndFlush(batch);
                ramp.grow();
                lastSentNanos = System.nanoTime();
                sentSeq = batch.firstSeq() + batch.count() - 1;
                timeSent(batch.firstSeq(), sentSeq);
                inFlight.addLast(new InFlight(sentSeq, bytes));
                inFlightBytes += bytes;
                inFlightNow = inFlightBytes;
                inFlightMax = Math.max(inFlightMax, inFlightBytes);
                batchCount.incrementAndGet();
                recordBytes.addAndGet(batch.rawLength());
                payload.addAndGet(batch.payload().length);
            }
        }
    }

    /** Adds records to {@code records} until the spool has no more or the batch holds {@code limit} bytes; returns its bytes. */
    private static long take(SpoolReader reader, List<byte[]> records, long bytes, long limit) {
        while (bytes < limit) {
            byte[] r = reader.next();
            if (r == null) {
                break;
            }
            records.add(r);
            bytes += r.length;
        }
        return bytes;
    }

    /**
     * Sleeps until {@code dueNanos} (a {@link System#nanoTime()}) while the batch gathers, or the stop.
     * Not woken by appends: a wake-up per transaction is the cost batching saves; what is appended
     * meanwhile is taken when the wait ends.
     */
    private void gather(long dueNanos) {
        for (long left = dueNanos - System.nanoTime(); left > 0 && !stopRequested(); left = dueNanos - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Times the records {@code first..last} from their spooling to now, and notes when their batch went out. */
    private void timeSent(long first, long last) {
        long now = System.nanoTime();
        io.qreplicator.core.latency.AppendTimes spooled = appendTimes;
        if (spooled != null) {
            for (long seq = first; seq <= last; seq++) {
                long at = spooled.nanosOf(seq);
                if (at > 0) {
                    sendLatency.record(now - at);
                }
            }
        }
        synchronized (sentTimes) {
            if (sentTimes.size() < 4096) { // beyond, Acks are far behind anyway: those batches go untimed
                sentTimes.addLast(new long[]{last, now});
            }
        }
    }

    /** An Ack for {@code seq} came (on the event loop): times the batches it covers. */
    private void acked(long seq) {
        long now = System.nanoTime();
        synchronized (sentTimes) {
            while (!sentTimes.isEmpty() && sentTimes.peekFirst()[0] <= seq) {
                ackLatency.record(now - sentTimes.pollFirst()[1]);
            }
        }
    }

    /** Times each record from its append to the source spool ({@code spooled}) to its batch sent. */
    public LinkSender timedFrom(io.qreplicator.core.latency.AppendTimes spooled) {
        this.appendTimes = spooled;
        return this;
    }

    /** From a record spooled to its batch handed to the link. */
    public io.qreplicator.core.latency.StageLatency sendLatency() {
        return sendLatency;
    }

    /** From a batch handed to the link to the sink's Ack of it. */
    public io.qreplicator.core.latency.StageLatency ackLatency() {
        return ackLatency;
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
        if (accounting != null) {
            accounting.close();
        }
    }

    /** Has every Hello carry the source's epoch ({@link io.qreplicator.transport.LinkEpoch}). */
    public LinkSender epoch(io.qreplicator.transport.LinkEpoch epoch) {
        this.epoch = epoch;
        return this;
    }

    private volatile java.util.function.ObjLongConsumer<String> copyRefused = (table, startSeq) -> { };

    /** Tells {@code listener} ({@code schema.table}, its start step's seq) of each copy the sink refused, on the link's event loop. */
    public LinkSender onCopyRefused(java.util.function.ObjLongConsumer<String> listener) {
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
        io.netty.channel.Channel c = channel;
        return c != null && c.isActive();
    }

    /** The link's cumulative counts since this start, in the order of {@link io.qreplicator.transport.LinkAccounting#COUNTERS}. */
    public long[] counters() {
        return io.qreplicator.transport.LinkAccounting.read(totals);
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
        m.put("link.inflight-bytes", inFlightNow);
        m.put("link.inflight-bytes-max", inFlightMax);
        m.put("link.batches", batchCount.get());
        m.put("link.record-bytes", recordBytes.get());
        m.put("link.payload-bytes", payload.get());
        m.put("link.frame-bytes-out", frames.bytesOut());
        m.put("link.wire-bytes-out", counter.bytesOut());
        m.put("link.wire-bytes-in", counter.bytesIn());
        m.put("link.compression", ConfigNode.word(link.compression()));
        interruptions.publish(m, "link.");
        m.put("link.tries", triesNow);
        m.put("link.retry-delay-ms", retryDelayMs);
        m.put("link.retry-delay-max-ms", retryDelayMaxMs);
        error.publish(m, "link.last-error", failure(), failedAtMillis());
        return m;
    }
}
