package io.qreplicator.source.binlog;

/**
 * The primary's GTID state as of the last whole transaction, in the flavour's own notation: the
 * string a new connection resumes from.
 */
public interface GtidState {
    /** Records that the transaction with this GTID committed; returns the new state as text. */
    String commit(String gtid);

    /** The state as text ("" when no GTID has been seen). */
    String text();

    /** True for MariaDB's flavour (domain-server-seq), false for MySQL's. */
    boolean mariadb();

    static GtidState of(boolean mariadb, String initial) {
        return mariadb ? new MariadbGtidState(initial) : new MysqlGtidState(initial);
    }
}
