/** The source agent: tails the primary's binlog and spools whole transactions. */
package io.qreplicator.source;
