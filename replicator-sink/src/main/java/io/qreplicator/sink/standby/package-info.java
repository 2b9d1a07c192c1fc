/** The standby: connecting, checking it is read-only for others, and its checkpoint table. */
package io.qreplicator.sink.standby;
