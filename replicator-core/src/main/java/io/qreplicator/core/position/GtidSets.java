package io.qreplicator.core.position;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many transactions one server's GTID position holds that another's lacks: the count a
 * failover reports as lost. Both flavours are read:
 * <ul>
 *   <li>MariaDB ({@code domain-server-seq,...}): per replication domain, the difference of the
 *   sequence numbers. MariaDB numbers a domain's transactions one by one, so the difference is the
 *   count of transactions, whatever server id wrote them.</li>
 *   <li>MySQL ({@code uuid:1-5:7,...}): the size of the set difference, interval by interval.</li>
 * </ul>
 */
public final class GtidSets {
    private GtidSets() {
    }

    /** Transactions in {@code wanted} that {@code held} does not contain (0 when it holds them all). */
    public static long missing(String held, String wanted) {
        if (wanted == null || wanted.isBlank()) {
            return 0;
        }
        if (wanted.contains(":")) {
            return mysqlMissing(held == null ? "" : held, wanted);
        }
        Map<Long, Long> have = mariadb(held == null ? "" : held);
        long n = 0;
        for (Map.Entry<Long, Long> e : mariadb(wanted).entrySet()) {
            n += Math.max(0, e.getValue() - have.getOrDefault(e.getKey(), 0L));
        }
        return n;
    }

    /** Domain to the highest sequence number the position names in it. */
    private static Map<Long, Long> mariadb(String state) {
        Map<Long, Long> m = new HashMap<>();
        for (String g : state.split(",")) {
            String s = g.strip();
            if (s.isEmpty()) {
                continue;
            }
            String[] p = s.split("-");
            if (p.length != 3) {
                throw new IllegalArgumentException("'" + s + "' is not a MariaDB GTID (domain-server-seq)");
            }
            m.merge(Long.parseLong(p[0]), Long.parseLong(p[2]), Math::max);
        }
        return m;
    }

    private static long mysqlMissing(String held, String wanted) {
        Map<String, List<long[]>> have = mysql(held);
        long n = 0;
        for (Map.Entry<String, List<long[]>> e : mysql(wanted).entrySet()) {
            List<long[]> h = have.getOrDefault(e.getKey(), List.of());
            for (long[] w : e.getValue()) {
                long count = w[1] - w[0] + 1;
                for (long[] x : h) {
                    long lo = Math.max(w[0], x[0]);
                    long hi = Math.min(w[1], x[1]);
                    if (lo <= hi) {
                        count -= hi - lo + 1;
                    }
                }
                n += Math.max(0, count);
            }
        }
        return n;
    }

    /** Source uuid to its intervals (closed), as MySQL prints them (never overlapping within one uuid). */
    private static Map<String, List<long[]>> mysql(String set) {
        Map<String, List<long[]>> m = new HashMap<>();
        for (String part : set.replace("\n", "").split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            String[] p = s.split(":");
            List<long[]> list = m.computeIfAbsent(p[0].toLowerCase(), k -> new ArrayList<>());
            for (int i = 1; i < p.length; i++) {
                String[] r = p[i].split("-");
                long lo = Long.parseLong(r[0]);
                list.add(new long[]{lo, r.length > 1 ? Long.parseLong(r[1]) : lo});
            }
        }
        return m;
    }
}
