/** The link between a source and a sink: one Netty TCP connection, framed, batched, compressed. */
package io.qreplicator.transport;
