/** Positions in the primary's binlog; every position names a transaction boundary. */
package io.qreplicator.core.position;
