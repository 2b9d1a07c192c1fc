package io.qreplicator.sink.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Benchmark tool, not a test: how long a row committed on the primary takes to become visible on
 * the standby, whatever replicates it. A writer inserts one row into {@code qrepl_probe.probe}
 * every {@code interval} ms (autocommit) and notes when the commit returned; a poller reads
 * {@code MAX(id)} on the standby in a tight loop and notes when each id first shows. Prints one
 * JSON line: samples, p50/p99/max in ms. Measuring starts WARM_UP_S seconds (default 5) after the
 * probe table has reached the standby, so that the replication has run under the load for a while
 * (agents started with the load still compile their hot code for several seconds).
 *
 * <pre>java ... VisibilityProbe PRIMARY_JDBC_URL STANDBY_JDBC_URL SECONDS INTERVAL_MS [WARM_UP_S]</pre>
 */
public final class VisibilityProbe {
    private VisibilityProbe() {
    }

    public static void main(String[] args) throws Exception {
        String primaryUrl = args[0];
        String standbyUrl = args[1];
        long seconds = Long.parseLong(args[2]);
        long intervalMs = Long.parseLong(args[3]);
        long warmUpMs = args.length > 4 ? Long.parseLong(args[4]) * 1000 : 5_000;
        try (Connection p = DriverManager.getConnection(primaryUrl); Statement st = p.createStatement()) {
            // created afresh each time, so that the DDL reaches whichever standby replicates now
            st.execute("DROP DATABASE IF EXISTS qrepl_probe");
            st.execute("CREATE DATABASE qrepl_probe");
            st.execute("CREATE TABLE qrepl_probe.probe (id BIGINT PRIMARY KEY, t TIMESTAMP(6) NOT NULL)");
        }
        long first;
        try (Connection s = DriverManager.getConnection(standbyUrl); Statement st = s.createStatement()) {
            long until = System.currentTimeMillis() + 120_000;
            while (true) { // the table reaches the standby through replication
                try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM qrepl_probe.probe")) {
                    rs.next();
                    first = rs.getLong(1) + 1_000_000;
                    Thread.sleep(warmUpMs); // the replication under load for a while before measuring
                    break;
                } catch (java.sql.SQLException e) {
                    if (System.currentTimeMillis() > until) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
        int n = (int) (seconds * 1000 / intervalMs);
        long[] committed = new long[n];
        long[] seen = new long[n];
        ConcurrentHashMap<Integer, Boolean> done = new ConcurrentHashMap<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        long base = first;
        Thread poller = new Thread(() -> {
            try (Connection s = DriverManager.getConnection(standbyUrl); Statement st = s.createStatement()) {
                int next = 0;
                while (polling.get() && next < n) {
                    try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM qrepl_probe.probe")) {
                        rs.next();
                        long now = System.nanoTime();
                        long max = rs.getLong(1) - base;
                        while (next < n && next <= max) {
                            seen[next] = now;
                            done.put(next, true);
                            next++;
                        }
                    }
                }
            } catch (Exception e) {
                System.err.println("poller: " + e);
            }
        });
        poller.start();
        try (Connection p = DriverManager.getConnection(primaryUrl);
             java.sql.PreparedStatement ps = p.prepareStatement("INSERT INTO qrepl_probe.probe VALUES (?, NOW(6))")) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * intervalMs * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
                ps.setLong(1, base + i);
                ps.executeUpdate();
                committed[i] = System.nanoTime();
            }
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (done.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        polling.set(false);
        poller.join();
        double[] ms = new double[done.size()];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (done.containsKey(i)) {
                ms[k++] = Math.max(0, seen[i] - committed[i]) / 1e6;
            }
        }
        Arrays.sort(ms);
        System.out.printf("{\"samples\": %d, \"sent\": %d, \"p50_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f}%n", k, n,
                pct(ms, 0.50), pct(ms, 0.99), k == 0 ? Double.NaN : ms[k - 1]);
    }

    private static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }
}
