package io.qreplicator.core.record;

/** A record failed its checksum or could not be decoded. Never skipped: reading stops here. */
public class CorruptRecordException extends RuntimeException {
    public CorruptRecordException(String message) {
        super(message);
    }
}
