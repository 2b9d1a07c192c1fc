package io.qreplicator.source.binlog;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * MariaDB's GTID position: the last {@code domain-server-seq} of every replication domain, which is
 * what {@code @slave_connect_state} expects. Keeping every domain matters: a domain missing from
 * the connect state makes the server stream that domain from its first binlog.
 */
public final class MariadbGtidState implements GtidState {
    private final Map<Long, String> byDomain = new TreeMap<>();

    public MariadbGtidState(String initial) {
        if (initial != null && !initial.isBlank()) {
            for (String g : initial.split(",")) {
                put(g.trim());
            }
        }
    }

    private void put(String gtid) {
        String[] parts = gtid.split("-");
        if (parts.length != 3) {
            throw new IllegalArgumentException("'" + gtid + "' is not a MariaDB GTID (domain-server-seq)");
        }
        try {
            byDomain.put(Long.parseLong(parts[0]), Long.parseLong(parts[0]) + "-" + Long.parseLong(parts[1])
                    + "-" + Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + gtid + "' is not a MariaDB GTID (domain-server-seq)");
        }
    }

    @Override
    public String commit(String gtid) {
        put(gtid);
        return text();
    }

    @Override
    public String text() {
        return byDomain.values().stream().collect(Collectors.joining(","));
    }

    @Override
    public boolean mariadb() {
        return true;
    }
}
