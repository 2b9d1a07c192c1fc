package io.qreplicator.core.model;

/** One step of a transaction, applied in order: a batch of row changes to one table, a statement, or a step of a verify run. */
public sealed interface Change permits RowChange, Statement, VerifyChunk, VerifyAnswer {
}
