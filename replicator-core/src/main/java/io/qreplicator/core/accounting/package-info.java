/** Byte counters per minute, persisted for the bandwidth report. */
package io.qreplicator.core.accounting;
