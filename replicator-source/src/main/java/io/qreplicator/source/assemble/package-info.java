/** Turning the binlog's event stream into whole, filtered transactions. */
package io.qreplicator.source.assemble;
