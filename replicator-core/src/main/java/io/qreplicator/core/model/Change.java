package io.qreplicator.core.model;

/** One step of a transaction, applied in order: a batch of row changes to one table, a statement, a step of a verify or provisioning run, or the primary's triggers. */
public sealed interface Change permits RowChange, Statement, VerifyChunk, VerifyAnswer, ProvisionTable, CopyChunk,
        ProvisionEnd, PrimaryTriggers {
}
