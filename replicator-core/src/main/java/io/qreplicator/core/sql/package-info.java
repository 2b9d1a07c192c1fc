/** What a SQL statement found in the binlog is, as far as replication cares. */
package io.qreplicator.core.sql;
