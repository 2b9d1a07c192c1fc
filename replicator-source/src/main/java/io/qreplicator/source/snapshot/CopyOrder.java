package io.qreplicator.source.snapshot;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order in which provisioning takes its tables ({@link ReplicatedTables#parentsFirst}): every
 * table after the tables its foreign keys refer to, as far as cycles allow, and for each table the
 * tables before it in that order that it refers to. A copy that starts a table only once those are
 * copied never has a child on the standby while its parent's rows are still being copied.
 *
 * @param tables  the tables, parents first
 * @param waitsOn by qualified name, the tables before it that a table's foreign keys refer to (a table
 *                without such parents is absent)
 */
public record CopyOrder(List<ReplicatedTables.Target> tables, Map<String, Set<String>> waitsOn) {
    public CopyOrder {
        tables = List.copyOf(tables);
        waitsOn = Map.copyOf(waitsOn);
    }

    /** The qualified names of the tables before {@code t} that it refers to: copied before it starts. */
    public Set<String> parentsBefore(ReplicatedTables.Target t) {
        return waitsOn.getOrDefault(t.qualifiedName(), Set.of());
    }
}
