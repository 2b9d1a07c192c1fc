/** The wire protocol: frames, messages and batch payloads (specified in docs/protocol.md). */
package io.qreplicator.transport.protocol;
