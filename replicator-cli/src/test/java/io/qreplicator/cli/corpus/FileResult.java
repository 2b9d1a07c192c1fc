package io.qreplicator.cli.corpus;

/** What one mysqltest file came to, with the detail a reader needs to act on it. */
public record FileResult(String file, Result result, String detail, long millis) {
    public enum Result {
        /** Ran to its end; the standby held exactly the primary's data. */
        EQUAL,
        /** The standby's data differs from the primary's: a divergence (detail: table and first differing row). */
        DIFFERS,
        /** An agent exited (fail-closed: it refused something); detail: which and why. */
        STOPPED,
        /** The standby did not catch up in time while both agents ran. */
        STUCK,
        /** The file reached something the runner does not model; what ran before it was compared and was equal. */
        SKIPPED,
        /** The runner itself failed (the primary died, a comparison query failed). */
        ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
