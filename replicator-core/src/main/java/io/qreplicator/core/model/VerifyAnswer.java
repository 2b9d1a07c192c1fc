package io.qreplicator.core.model;

/**
 * The primary's checksum of a chunk read at an earlier {@link VerifyChunk} of the same run: it
 * travels after it because it is computed after the snapshot's position was known.
 *
 * @param run      the verify run
 * @param chunk    the chunk's number
 * @param checksum the primary's checksum ({@link io.qreplicator.core.verify.ChunkChecksum})
 */
public record VerifyAnswer(String run, long chunk, String checksum) implements Change {
}
