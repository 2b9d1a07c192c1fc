/**
 * Where a transaction's time goes between the primary's commit and the standby's: each agent times
 * its own stages on its own monotonic clock ({@link io.qreplicator.core.latency.StageLatency}), so
 * no two hosts' clocks are compared; {@link io.qreplicator.core.latency.AppendTimes} remembers when
 * each record entered a spool, for the stage that takes it out.
 */
package io.qreplicator.core.latency;
