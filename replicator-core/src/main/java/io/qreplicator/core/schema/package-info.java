/** Table definitions as a server's information_schema states them, checked against binlog column types. */
package io.qreplicator.core.schema;
