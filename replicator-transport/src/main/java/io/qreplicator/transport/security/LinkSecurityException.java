package io.qreplicator.transport.security;

/** A certificate, key or token file cannot be used; the message names it and the fix. */
public final class LinkSecurityException extends RuntimeException {
    public LinkSecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
