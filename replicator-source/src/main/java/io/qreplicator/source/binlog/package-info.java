/** Reading the primary's binlog: connection, reconnection, exact decoding of events and values. */
package io.qreplicator.source.binlog;
