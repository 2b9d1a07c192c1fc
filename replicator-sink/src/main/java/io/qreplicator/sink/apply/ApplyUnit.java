package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Transaction;

import java.util.List;

/**
 * Consecutive source transactions that one worker of the {@link ParallelApplier} applies and
 * commits together, in its turn.
 *
 * @param number           position in the commit order since the last (re)start, from 1
 * @param items            the transactions, in spool order
 * @param writes           what they write, to keep dependent units apart
 * @param alone            runs only after every earlier unit is done, with the configured divergence
 *                         policy: a DDL statement, a part of a large transaction, or a stretch being
 *                         replayed after a unit failed while running alongside others
 */
record ApplyUnit(long number, List<Item> items, WriteSet writes, boolean alone) {
    /** A spooled transaction and its size in the spool. */
    record Item(Transaction tx, int recordBytes) {
    }

    long lastSeq() {
        return items.get(items.size() - 1).tx().seq();
    }

    long firstSeq() {
        return items.get(0).tx().seq();
    }
}
