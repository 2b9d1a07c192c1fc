package io.qreplicator.sink.standby;

/** The sink will not start against this standby; the message says what is wrong and how to fix it. */
public class SinkRefusedException extends RuntimeException {
    public SinkRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
