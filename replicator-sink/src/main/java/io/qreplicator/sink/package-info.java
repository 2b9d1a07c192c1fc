/** The sink agent: applies spooled transactions to the standby, exactly once. */
package io.qreplicator.sink;
