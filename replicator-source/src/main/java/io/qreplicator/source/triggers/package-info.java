/** The primary's triggers, read and put into the stream for the sink to keep until a failover creates them. */
package io.qreplicator.source.triggers;
