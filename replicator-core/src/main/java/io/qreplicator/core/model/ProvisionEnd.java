package io.qreplicator.core.model;

/**
 * The end of a provisioning run: every table it names was started and its chunks sent.
 *
 * @param run     the run
 * @param summary what the source did (tables, rows, tables left out and why)
 */
public record ProvisionEnd(String run, String summary) implements Change {
}
