package io.qreplicator.core.model;

import java.util.List;

/**
 * Every trigger the primary has on the tables the stream replicates, as the source last read them:
 * the whole set, which replaces the one the sink kept before. The sink does not create them on the
 * standby (the rows they write arrive anyway, and the sink's rows would set them off there); it keeps
 * them, and {@code qrepl failover} creates them on the standby before it takes writes, as a native
 * replica holds the primary's triggers (docs/failover.md, "Triggers").
 *
 * <p>A record that says the set could not be read ({@code read} false) leaves the sink's set as it
 * was, marked out of date with the reason, until a set is read again: a failover then warns that the
 * triggers it creates may not be the primary's last.
 *
 * @param triggers in the order they are created in: by schema, table, then the primary's action order
 * @param read     the primary was read: {@code triggers} is its set (empty: it has none)
 * @param warning  what the set may lack or why it was not read ("" when nothing): schemas the
 *                 source's account cannot see triggers in, or the read's error
 */
public record PrimaryTriggers(List<Trigger> triggers, boolean read, String warning) implements Change {
    public PrimaryTriggers {
        triggers = List.copyOf(triggers);
    }

    /** A set read from the primary; {@code warning} what it may lack ("" when nothing). */
    public static PrimaryTriggers of(List<Trigger> triggers, String warning) {
        return new PrimaryTriggers(triggers, true, warning);
    }

    /** The set could not be read, for {@code why}: the sink's stays as it is, marked out of date. */
    public static PrimaryTriggers unread(String why) {
        return new PrimaryTriggers(List.of(), false, why);
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
