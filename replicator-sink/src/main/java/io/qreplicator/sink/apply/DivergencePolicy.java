package io.qreplicator.sink.apply;

/**
 * What the applier does when the standby does not hold what a change expects
 * ({@code sinks[].apply.on-divergence}).
 */
public enum DivergencePolicy {
    /** Stop, naming table, key and transaction: nothing is changed that the primary did not change. The default. */
    STOP,
    /**
     * Make the standby's row what the primary's is: an INSERT that collides replaces the row; an
     * UPDATE of a missing row inserts it when the change carries the whole row (row-images: full),
     * otherwise it is skipped; a DELETE of a missing row has nothing to do. Each is written to the
     * audit log.
     */
    OVERWRITE,
    /** Leave the standby's row as it is and go on; each skipped change is written to the audit log. */
    SKIP
}
