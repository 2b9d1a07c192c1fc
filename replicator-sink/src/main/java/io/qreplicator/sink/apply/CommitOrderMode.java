package io.qreplicator.sink.apply;

/** {@code apply.commit-order}: whether parallel units commit in the primary's order. */
public enum CommitOrderMode {
    /** Every unit commits in spool order: readers of the standby only see states the primary had. */
    PRESERVE,
    /**
     * An independent unit commits as soon as it is done, so a slow unit no longer holds up the
     * ones after it; readers may briefly see a later transaction without an earlier, independent
     * one (a state the primary never had). Dependent units still commit in order.
     */
    RELAXED
}
