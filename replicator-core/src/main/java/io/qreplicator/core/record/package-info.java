/** The project's own compact, versioned, checksummed binary format for one transaction. */
package io.qreplicator.core.record;
