/** The source end of the link: reads the source spool and streams it to the sink. */
package io.qreplicator.transport.send;
