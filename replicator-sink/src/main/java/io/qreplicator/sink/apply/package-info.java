/** Turning transactions into SQL on the standby, with their checkpoint, exactly once. */
package io.qreplicator.sink.apply;
