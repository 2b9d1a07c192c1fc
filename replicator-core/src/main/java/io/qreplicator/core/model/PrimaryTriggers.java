package io.qreplicator.core.model;

import java.util.List;

/**
 * Every trigger the primary has on the tables the stream replicates, as the source last read them:
 * the whole set, which replaces the one the sink kept before. The sink does not create them on the
 * standby (the rows they write arrive anyway, and the sink's rows would set them off there); it keeps
 * them, and {@code qrepl failover} creates them on the standby before it takes writes, as a native
 * replica holds the primary's triggers (docs/failover.md, "Triggers").
 *
 * @param triggers in the order they are created in: by schema, table, then the primary's action order
 */
public record PrimaryTriggers(List<Trigger> triggers) implements Change {
    public PrimaryTriggers {
        triggers = List.copyOf(triggers);
    }

    /**
     * One trigger as {@code SHOW CREATE TRIGGER} gives it: enough to create it again as the primary has it.
     *
     * @param schema              the trigger's (and its table's) database
     * @param table               its table
     * @param name                its name
     * @param statement           the CREATE statement, with its DEFINER (the server's "SQL Original Statement")
     * @param sqlMode             the sql_mode it was created under, which its body runs under
     * @param characterSetClient  the client character set it was created with
     * @param collationConnection the connection collation it was created with
     */
    public record Trigger(String schema, String table, String name, String statement, String sqlMode,
                          String characterSetClient, String collationConnection) {
        /** {@code schema.name}, as a person reads it. */
        public String qualifiedName() {
            return schema + "." + name;
        }
    }
}
