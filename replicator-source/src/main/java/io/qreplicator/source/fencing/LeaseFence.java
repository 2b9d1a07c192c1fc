package io.qreplicator.source.fencing;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.lifecycle.RunLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The source's lease on being the primary's shipper: it holds while the sink is heard (any frame:
 * welcome, ack, heartbeat) at least once per {@link FencingConfig#lease()}. The source cannot tell a
 * partition from a dead standby side, and after a failover on the other side its primary must not
 * take writes; so when the lease is lost and the operator chose {@code on-lease-loss: read-only},
 * it fences its own primary ({@link PrimaryFence}). It never lifts the fence by itself: the link
 * coming back does not say whether a failover happened meanwhile. Once an operator has made the
 * primary writable again (and the sink is heard), the lease holds again and a later loss fences again. {@code qrepl failover} on the
 * other side waits for the lease to run out before it makes the standby writable, so the two are
 * never writable at once while this agent runs.
 */
public final class LeaseFence extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(LeaseFence.class);

    private final NodeConfig primary;
    private final FencingConfig config;
    private final Duration connectTimeout;
    private final LongSupplier lastHeardMillis;
    private final long startedMillis = System.currentTimeMillis();
    private volatile LongSupplier activeSinceMillis = () -> startedMillis;
    private volatile boolean lost;
    private volatile String fenced = "";
    private boolean announcedBack;
    private long lastWritableCheck;
    private volatile String fenceFailing = "";
    private long lastFailureLog;

    /** @param lastHeardMillis when the sink was last heard (0: not since this agent started) */
    public LeaseFence(NodeConfig primary, FencingConfig config, Duration connectTimeout, LongSupplier lastHeardMillis) {
        super("lease-fence");
        this.primary = primary;
        this.config = config;
        this.connectTimeout = connectTimeout;
        this.lastHeardMillis = lastHeardMillis;
    }

    /**
     * The lease counts only while the source ships: a dormant source (its link the reverse of the one
     * replicating) holds none, since its server is a standby or, after a failover, the primary the
     * other side promoted; fencing it would take the surviving primary down.
     *
     * @param activeSince when the source last became active, 0 while it is dormant
     */
    public LeaseFence counting(LongSupplier activeSince) {
        this.activeSinceMillis = activeSince;
        return this;
    }

    @Override
    protected void runOnce() throws Exception {
        pause(500);
        long activeSince = activeSinceMillis.getAsLong();
        if (activeSince == 0) {
            if (fenced.isEmpty()) {
                lost = false;
                fenceFailing = "";
            }
            return;
        }
        long heard = lastHeardMillis.getAsLong();
        long since = System.currentTimeMillis() - Math.max(heard, Math.max(startedMillis, activeSince));
        if (since <= config.lease().toMillis()) {
            if (lost && !announcedBack) {
                announcedBack = true;
                log.warn("the sink is heard again; {}", fenced.isEmpty() ? "the lease holds again"
                        : "the primary stays read-only (" + fenced + "): lift it only once you know no failover happened"
                        + " (docs/failover.md, \"Fencing\")");
            }
            if (fenced.isEmpty()) {
                lost = false;
                fenceFailing = "";
            } else if (System.currentTimeMillis() - lastWritableCheck > 5_000) {
                lastWritableCheck = System.currentTimeMillis();
                if (Boolean.TRUE.equals(PrimaryFence.writable(primary, connectTimeout))) {
                    log.warn("the primary {} is writable again (an operator lifted the fence of {}): the lease holds again",
                            primary.name(), fenced);
                    fenced = "";
                    lost = false;
                }
            }
            return;
        }
        if (lost && (!fenced.isEmpty() || config.onLoss() == FencingConfig.OnLoss.NONE)) {
            return;
        }
        lost = true;
        announcedBack = false;
        if (config.onLoss() == FencingConfig.OnLoss.NONE) {
            log.warn("lease lost: the sink not heard for {} s (fencing.lease {} s); fencing.on-lease-loss is none, so the primary"
                    + " {} keeps taking writes", since / 1000, config.lease().toSeconds(), primary.name());
            return;
        }
        PrimaryFence.Result r = PrimaryFence.fence(primary, connectTimeout, config.grace());
        if (r.fenced()) {
            fenced = r.detail() + " at " + Instant.now();
            log.error("lease lost: the sink not heard for {} s (fencing.lease {} s), so this source fenced its primary: {}{}."
                    + " A failover may be under way on the standby's side", since / 1000, config.lease().toSeconds(), r.detail(),
                    r.bypassAccounts().isEmpty() ? "" : "; accounts that can still write: " + r.bypassAccounts());
            fenceFailing = "";
        } else {
            fenceFailing = r.detail();
            if (System.currentTimeMillis() - lastFailureLog > 30_000) {
                lastFailureLog = System.currentTimeMillis();
                log.error("lease lost, and fencing the primary failed (trying again every second): {}", r.detail());
            }
            lost = false; // look again, and try again, at the next round
        }
    }

    /** False from the moment the lease is found lost until the sink is heard again. */
    public boolean held() {
        return !lost;
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source.lease", !fenceFailing.isEmpty() ? "lost, fencing fails: " + fenceFailing : lost ? "lost" : "held");
        m.put("source.fenced", fenced);
        return m;
    }
}
