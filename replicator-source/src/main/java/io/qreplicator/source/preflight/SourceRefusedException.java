package io.qreplicator.source.preflight;

/** The source will not start against this primary; the message says what is wrong and how to fix it. */
public class SourceRefusedException extends RuntimeException {
    public SourceRefusedException(String message) {
        super(message);
    }

    public SourceRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
