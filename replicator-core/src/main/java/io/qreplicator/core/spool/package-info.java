/** The durable local spool of records (Chronicle Queue), addressed by stream sequence number. */
package io.qreplicator.core.spool;
