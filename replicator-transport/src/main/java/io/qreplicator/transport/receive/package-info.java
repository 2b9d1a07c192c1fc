/** The sink end of the link: accepts a source, spools its records, acknowledges them. */
package io.qreplicator.transport.receive;
