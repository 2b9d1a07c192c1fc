package io.qreplicator.core.model;

/** One step of a transaction, applied in order: a batch of row changes to one table, or a statement. */
public sealed interface Change permits RowChange, Statement {
}
