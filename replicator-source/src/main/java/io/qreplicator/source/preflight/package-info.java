/** Checks of the primary before streaming: reachable, logged in, binlog in ROW with full metadata, privileges. */
package io.qreplicator.source.preflight;
