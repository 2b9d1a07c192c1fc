package io.qreplicator.core.model;

/**
 * The primary's checksum of a chunk read at an earlier {@link VerifyChunk} of the same run: it
 * travels after it because it is computed after the snapshot's position was known.
 *
 * @param run        the verify run
 * @param chunk      the chunk's number
 * @param checksum   the primary's checksum ({@link io.qreplicator.core.verify.ChunkChecksum})
 * @param definition for a table's first chunk, the table's definition read in the same snapshot
 *                   ({@link io.qreplicator.core.verify.TableDefinition}); empty for other chunks, and
 *                   when the source does not compare definitions
 */
public record VerifyAnswer(String run, long chunk, String checksum, String definition) implements Change {
    public VerifyAnswer {
        definition = definition == null ? "" : definition;
    }

    /** An answer without a definition. */
    public VerifyAnswer(String run, long chunk, String checksum) {
        this(run, chunk, checksum, "");
    }
}
