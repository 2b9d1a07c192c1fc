/** The change events a transaction carries from the primary to the standby, independent of the binlog library. */
package io.qreplicator.core.model;
