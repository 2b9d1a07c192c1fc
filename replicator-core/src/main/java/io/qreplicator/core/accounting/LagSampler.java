package io.qreplicator.core.accounting;

import io.qreplicator.core.lifecycle.RunLoop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples a source's lag once a second ({@link StreamLag}) at two stages and keeps it per minute
 * in {@code DATA_DIR/accounting/lag-YYYYMMDD.csv} for the DR audit report: how old the oldest
 * transaction not yet <em>applied</em> on the standby is (what a reader of the standby misses), and
 * how old the oldest one not yet <em>received</em> into the sink's spool is (what losing the
 * primary's datacenter at that moment would have lost: the RPO). Each minute line holds the
 * number of samples, each stage's largest sample and a histogram in {@link LagBuckets}.
 *
 * <p>Until the sink has answered once since this agent started, what it holds is not known: those
 * seconds count as {@code unmeasured} (the report shows them), never as a lag of 0 or as the age of
 * the oldest record in the spool.
 */
public final class LagSampler extends RunLoop {
    public static final String PREFIX = "lag";
    public static final String APPLIED = "applied";
    public static final String RECEIVED = "received";

    private final StreamLag lag;
    private final LongSupplier appliedSeq;
    private final LongSupplier receivedSeq;
    private final java.util.function.BooleanSupplier known;
    private final MinuteAccounting minutes;
    private final int width = LagBuckets.BOUNDS_MS.length + 1;
    private volatile long appliedMillis;
    private volatile long receivedMillis;

    public LagSampler(String agentName, Path accountingDir, StreamLag lag, LongSupplier appliedSeq, LongSupplier receivedSeq,
                      java.util.function.BooleanSupplier known) {
        super(agentName + "-lag");
        this.lag = lag;
        this.appliedSeq = appliedSeq;
        this.receivedSeq = receivedSeq;
        this.known = known;
        this.minutes = new MinuteAccounting(accountingDir, PREFIX, columns()).maxima(APPLIED + "_max_ms", RECEIVED + "_max_ms");
    }

    /** The columns of the lag files after {@code minute}. */
    public static List<String> columns() {
        List<String> c = new ArrayList<>(List.of("samples", "unmeasured", APPLIED + "_max_ms", RECEIVED + "_max_ms"));
        c.addAll(LagBuckets.columns(APPLIED));
        c.addAll(LagBuckets.columns(RECEIVED));
        return c;
    }

    @Override
    protected void runOnce() throws InterruptedException {
        sample(System.currentTimeMillis());
        pause(1000);
    }

    @Override
    protected void afterLoop() {
        flush();
    }

    /** Writes the current minute's line. */
    public void flush() {
        minutes.flush();
    }

    /** Takes one sample at {@code nowMillis}. */
    public void sample(long nowMillis) {
        if (!known.getAsBoolean()) {
            long[] d = new long[4 + 2 * width];
            d[1] = 1;
            minutes.add(nowMillis, d);
            return;
        }
        long applied = lag.ageMillis(appliedSeq.getAsLong(), nowMillis);
        long received = lag.ageMillis(receivedSeq.getAsLong(), nowMillis);
        appliedMillis = applied;
        receivedMillis = received;
        long[] d = new long[4 + 2 * width];
        d[0] = 1;
        d[2] = applied;
        d[3] = received;
        d[4 + LagBuckets.of(applied)] = 1;
        d[4 + width + LagBuckets.of(received)] = 1;
        minutes.add(nowMillis, d);
    }

    /** The last sample's age of the oldest transaction not applied on the standby, in ms. */
    public long appliedMillis() {
        return appliedMillis;
    }

    /**
     * Binlog bytes of the transactions spooled and not yet applied on the standby ({@link
     * StreamLag#bytesAfter}), now; -1 while the sink has not said what it applied (as the seconds'
     * samples, unmeasured then).
     */
    public long appliedBytes() {
        return known.getAsBoolean() ? lag.bytesAfter(appliedSeq.getAsLong()) : -1;
    }

    /** Binlog bytes of the transactions spooled and not yet in the sink's spool, now; -1 while unknown. */
    public long receivedBytes() {
        return known.getAsBoolean() ? lag.bytesAfter(receivedSeq.getAsLong()) : -1;
    }

    /** The last sample's age of the oldest transaction not in the sink's spool, in ms. */
    public long receivedMillis() {
        return receivedMillis;
    }
}
