package io.qreplicator.sink.apply;

/**
 * The standby does not hold what the primary's change expects (a row to update or delete is
 * missing, or a row to insert already exists). The applier stops: continuing would make the
 * standby silently differ from the primary.
 */
public class DivergenceException extends RuntimeException {
    public DivergenceException(String message) {
        super(message);
    }
}
