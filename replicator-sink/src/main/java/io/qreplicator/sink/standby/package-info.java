/** The standby: connecting, checking it is read-only for others, its checkpoint table, and what its tables are like (StandbyTables). */
package io.qreplicator.sink.standby;
