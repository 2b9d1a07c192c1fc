package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.lifecycle.Backoff;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.status.StageError;
import io.qreplicator.source.assemble.StreamShaping;
import io.qreplicator.source.assemble.TransactionAssembler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows the primary's binlog, one connection at a time, handing whole transactions to a consumer.
 *
 * <p>The library's keep-alive and reconnect are off: this loop owns reconnection. Each connection
 * starts from {@code resumeFrom.get()} (the last spooled transaction boundary) with a fresh
 * client and a fresh {@link TransactionAssembler}, so a transaction cut by a lost connection is
 * dropped whole and read again. A connection that has been silent for three heartbeat intervals is
 * closed. Errors are sorted by {@link BinlogErrors}: only known-transient ones (a lost connection,
 * a server shutting down, a full spool disk) back off with jitter and reconnect; everything else
 * (purged position, refused login, an event that cannot be decoded or processed, a bug) ends the
 * loop with a message that names the event and says what to do.
 */
public final class BinlogStream extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(BinlogStream.class);

    /** How to reach the primary and pace reconnects; {@code charsets} are the primary's collation ids. */
    public record Settings(NodeConfig node, long serverId, Duration connectTimeout, Duration heartbeatInterval,
                           Duration reconnectMin, Duration reconnectMax, long chunkBytes, ClientCharsets charsets) {
    }

    private final Settings settings;
    private final boolean mariadb;
    private final StreamShaping shaping;
    private final TableShapeSource shapes;
    /** Refuses, before their rows are read, tables whose rows no binlog reader can decode; null for MySQL. */
    private final OldTemporalColumns oldTemporal;
    private final Supplier<SourcePosition> resumeFrom;
    private final Consumer<Transaction> out;
    private final Backoff backoff;
    /** XA transactions prepared and not yet ended: they outlive connections (a primary restart keeps them prepared). */
    private final io.qreplicator.source.assemble.PreparedXa preparedXa = new io.qreplicator.source.assemble.PreparedXa();
    private volatile PrimaryCheck primaryCheck = from -> { };
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "binlog-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile BinaryLogClient client;
    private volatile boolean connected;
    private volatile long lastEventAt;
    /** When bytes last arrived on the binlog connection ({@link ArrivalMarkingSocket}): a large event arriving is not silence. */
    private volatile long lastBytesAt;
    private io.qreplicator.core.latency.StageLatency timing;
    private volatile java.util.function.BiConsumer<String, String> schemaStatement = (database, sql) -> { };
    private volatile java.util.function.Consumer<java.util.List<io.qreplicator.source.assemble.TransactionAssembler.RelaxedInsert>>
            relaxedInserts = r -> { };
    private final io.qreplicator.core.lifecycle.RetryLog retries = new io.qreplicator.core.lifecycle.RetryLog();
    private final StageError error = new StageError();
    /** Whether a connection that ended inside an event reconnects (read by this stream's thread only). */
    private final MidEventCuts midEventCuts = new MidEventCuts();

    /**
     * @param shapes the schema history, for row events whose TABLE_MAP does not name the columns;
     *               it outlives connections
     */
    public BinlogStream(Settings settings, boolean mariadb, StreamShaping shaping, TableShapeSource shapes,
                        Supplier<SourcePosition> resumeFrom, Consumer<Transaction> out) {
        super("binlog-" + settings.node().name());
        this.settings = settings;
        this.mariadb = mariadb;
        this.shaping = shaping;
        this.shapes = shapes;
        this.oldTemporal = mariadb ? OldTemporalColumns.on(settings.node(), settings.connectTimeout()) : null;
        this.resumeFrom = resumeFrom;
        this.out = out;
        this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax());
    }

    /**
     * What must hold of the server behind the address before each connection, not only the first: it
     * is the one whose history the spool follows. Its {@link java.sql.SQLException} (the server is not
     * reachable yet) is a lost connection; anything else it throws stops the stream.
     */
    public interface PrimaryCheck {
        void check(SourcePosition from) throws Exception;
    }

    public BinlogStream checkingPrimary(PrimaryCheck check) {
        this.primaryCheck = check;
        return this;
    }

    /** Calls {@code seen} at every DDL or trigger statement read (see {@link TransactionAssembler#onSchemaStatement}). */
    public BinlogStream onSchemaStatement(java.util.function.BiConsumer<String, String> seen) {
        this.schemaStatement = seen;
        return this;
    }

    /** Calls {@code seen} with a committed group's relaxed inserts (see {@link TransactionAssembler#onRelaxedInserts}). */
    public BinlogStream onRelaxedInserts(
            java.util.function.Consumer<java.util.List<io.qreplicator.source.assemble.TransactionAssembler.RelaxedInsert>> seen) {
        this.relaxedInserts = seen;
        return this;
    }

    /** Times each transaction from its completing event's arrival to its spooling. */
    public BinlogStream timing(io.qreplicator.core.latency.StageLatency latency) {
        this.timing = latency;
        return this;
    }

    public boolean connected() {
        return connected;
    }

    /** The error the stream last met and is retrying past (empty once it reads again), or its failure. */
    public StageError error() {
        return error;
    }

    @Override
    protected void runOnce() throws Exception {
        SourcePosition from = resumeFrom.get();
        try {
            primaryCheck.check(from);
        } catch (java.sql.SQLException e) {
            Duration delay = backoff.next(e); // a primary that is not listening (restarting) is tried every min-delay
            error.report("cannot check the primary before reconnecting: " + e.getMessage());
            if (retries.failed(System.currentTimeMillis())) {
                log.warn("cannot reach {} to check it before reconnecting ({}); retrying in {} ms (try {}; logged again in 30 s"
                        + " if it stays unreachable)", settings.node(), e.getMessage(), delay.toMillis(), retries.tries());
            }
            pause(delay.toMillis());
            return;
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        BinaryLogClient c = newClient(from);
        TransactionAssembler assembler = new TransactionAssembler(from, GtidState.of(mariadb, from.gtidState()), shaping,
                new TableDefs(shapes, oldTemporal), settings.chunkBytes(), tx -> {
                    out.accept(tx);
                    if (tx.last() && timing != null) {
                        timing.record(System.nanoTime() - lastEventAt); // the event that completed it arrived then
                    }
                    error.clear(); // a transaction spooled: whatever went wrong before is over
                }).holdingPreparedXa(preparedXa).onSchemaStatement(schemaStatement)
                .onRelaxedInserts(mariadb ? relaxedInserts : r -> { }); // MySQL has no bulk insert that takes rows back
        c.registerEventListener(event -> onEvent(c, assembler, event, failure));
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient client, Exception ex) {
                failure.compareAndSet(null, ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient client, Exception ex) {
                // the library drops the event and reads on: this connection must end here, or every later event
                // would be ignored (a failure is set) while the stream looks alive
                failure.compareAndSet(null, new UnsupportedEventException("cannot decode a binlog event after " + from
                        + ": " + rootMessage(ex) + ". The source stopped there: nothing after it was spooled, and it"
                        + " cannot read past that event (a filtered-out table's rows are passed over undecoded, but this"
                        + " event is of a replicated table, or not a rows event). Report it"
                        + " with the source's log and the binlog file; a standby past it must be re-seeded (docs/seeding.md)", ex));
                watchdog.execute(() -> disconnectQuietly(client));
            }
        });
        client = c;
        lastEventAt = System.nanoTime();
        lastBytesAt = lastEventAt;
        ScheduledFuture<?> silence = watchdog.scheduleAtFixedRate(() -> closeIfSilent(c),
                settings.heartbeatInterval().toMillis(), settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (stopRequested()) {
                return;
            }
            log.info("connecting to {} from {}", settings.node(), from);
            connected = true;
            c.connect();
        } catch (Exception | OutOfMemoryError e) {
            // the library reads an event's packets whole before decoding it: a row too large for the heap ends here, and is
            // said with its position by BinlogErrors.fatal (below) rather than as a bare "Java heap space"
            failure.compareAndSet(null, e);
        } finally {
            connected = false;
            silence.cancel(false);
            client = null;
            disconnectQuietly(c);
        }
        if (stopRequested()) {
            return;
        }
        Throwable t = failure.get();
        boolean cutInsideAnEvent = midEventCuts.retry(t, assembler.binlogFile());
        if (!cutInsideAnEvent && !BinlogErrors.isTransient(t)) {
            RuntimeException fatal = BinlogErrors.fatal(t, resumeFrom.get());
            if (MidEventCuts.endedInsideAnEvent(t)) {
                fatal = new BinlogErrors.FatalBinlogException(fatal.getMessage() + " The same event failed the same way on the"
                        + " connection before this one: the event itself cannot be decoded; this is not a lost connection.", t);
            }
            if (mariadb && OldTemporalColumns.isUndecodable(t)) {
                String why = OldTemporalColumns.diagnosis(settings.node(), settings.connectTimeout());
                if (!why.isEmpty()) {
                    throw new BinlogErrors.FatalBinlogException(fatal.getMessage() + why, t);
                }
            }
            throw fatal;
        }
        if (resumeFrom.get() != from) {
            backoff.reset(); // made progress on that connection
            retries.succeeded();
        }
        Duration delay = backoff.next(t);
        String why = t == null ? "connection closed by the primary" : t.toString();
        error.report(why);
        if (retries.failed(System.currentTimeMillis())) {
            log.warn("binlog connection to {} ended ({}); reconnecting in {} ms (try {}; logged again in 30 s if it keeps failing)",
                    settings.node(), why, delay.toMillis(), retries.tries());
        }
        pause(delay.toMillis());
    }

    private void onEvent(BinaryLogClient c, TransactionAssembler assembler, Event event, AtomicReference<Throwable> failure) {
        lastEventAt = System.nanoTime();
        if (failure.get() != null || stopRequested()) {
            return; // this connection is being torn down: take nothing more from it
        }
        midEventCuts.delivered(assembler.binlogFile(), event.getHeader());
        try {
            assembler.accept(event);
        } catch (Throwable t) {
            failure.compareAndSet(null, BinlogErrors.whileProcessing(t, event, assembler.binlogFile(), assembler.gtid()));
            watchdog.execute(() -> disconnectQuietly(c));
        }
    }

    private BinaryLogClient newClient(SourcePosition from) {
        NodeConfig n = settings.node();
        BinaryLogClient c = new OwnPositionClient(n.host(), n.port(), n.user(), n.password());
        c.setServerId(settings.serverId());
        c.setKeepAlive(false);
        c.setHeartbeatInterval(settings.heartbeatInterval().toMillis());
        c.setConnectTimeout(settings.connectTimeout().toMillis());
        c.setSocketFactory(() -> new ArrivalMarkingSocket(() -> lastBytesAt = System.nanoTime()));
        c.setEventDeserializer(BinlogEventDeserializers.create(settings.charsets(), shaping.filter()::keepRows));
        if (from.hasGtid()) {
            c.setGtidSet(from.gtidState());
        } else if (!from.binlogFile().isEmpty()) {
            c.setBinlogFilename(from.binlogFile());
            c.setBinlogPosition(from.binlogPosition());
        }
        return c;
    }

    /**
     * A client that keeps no GTID set of its own while streaming. The library would update one per
     * event (building and parsing GTID strings each time) for its own reconnects; this source never
     * lets it reconnect (keep-alive off) and starts every connection from the position in its spool,
     * with the GTID state the {@link TransactionAssembler} keeps.
     */
    private static final class OwnPositionClient extends BinaryLogClient {
        OwnPositionClient(String host, int port, String user, String password) {
            super(host, port, user, password);
        }

        @Override
        protected void updateGtidSet(Event event) {
            // nothing: see above
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + r.getMessage() + ")";
    }

    private void closeIfSilent(BinaryLogClient c) {
        long silentMs = (System.nanoTime() - Math.max(lastEventAt, lastBytesAt)) / 1_000_000;
        if (silentMs > settings.heartbeatInterval().toMillis() * 3) {
            log.warn("no event, heartbeat or byte from {} for {} ms: closing the connection", settings.node(), silentMs);
            disconnectQuietly(c);
        }
    }

    private static void disconnectQuietly(BinaryLogClient c) {
        try {
            c.disconnect();
        } catch (Exception e) {
            log.debug("disconnect: {}", e.toString());
        }
    }

    @Override
    protected void wakeUp() {
        BinaryLogClient c = client;
        if (c != null) {
            watchdog.execute(() -> disconnectQuietly(c));
        }
    }

    @Override
    protected void afterLoop() {
        watchdog.shutdownNow();
    }
}
