/** What the source knows of each table's columns when the binlog does not name them (schema history). */
package io.qreplicator.source.schema;
