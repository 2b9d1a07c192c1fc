package io.qreplicator.transport.protocol;

/** The peer sent something that is not valid protocol; the connection is closed with this reason. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
