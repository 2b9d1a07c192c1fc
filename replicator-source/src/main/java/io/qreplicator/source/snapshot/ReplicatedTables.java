package io.qreplicator.source.snapshot;

import io.qreplicator.source.assemble.ChangeFilter;
import io.qreplicator.source.assemble.ColumnMasker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The primary's tables this source replicates, as verify and provisioning read them: not a system
 * schema, not the agents' schema except the heartbeat table (a re-seeded standby needs it: the
 * stream writes to it every second), kept by the filters, without column rules (their standby rows differ
 * on purpose); each with its non-generated columns and the key it is read by. A system-versioned
 * table is read with its history: its ROW START and ROW END are among its columns (the sink writes
 * them as the primary's), its key is the table's own key without ROW END (which MariaDB adds to it),
 * so all versions of a key go together. One versioned by transaction ids is left out: replication
 * refuses it.
 */
public final class ReplicatedTables {
    private static final Logger log = LoggerFactory.getLogger(ReplicatedTables.class);
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");

    /**
     * A table: its columns and the key it is cut by (empty: read whole); for a system-versioned table,
     * {@code period} holds its ROW START and ROW END columns (also the last two of {@code columns}),
     * else it is empty.
     */
    public record Target(String schema, String table, List<String> columns, List<String> key, List<String> period) {
        public Target {
            columns = List.copyOf(columns);
            key = List.copyOf(key);
            period = List.copyOf(period);
        }

        public String qualifiedName() {
            return schema + "." + table;
        }

        /** Every version of its rows is read ({@code FOR SYSTEM_TIME ALL}). */
        public boolean versioned() {
            return !period.isEmpty();
        }

        /** The ROW END column of a versioned table, "" for others. */
        public String periodEnd() {
            return period.isEmpty() ? "" : period.get(1);
        }
    }

    private final ChangeFilter filter;
    private final ColumnMasker masker;
    private final String heartbeatSchema;
    private final Set<String> agentTables;

    /**
     * @param heartbeatSchema the agents' schema: left out (the sinks' state lives there too), except
     * @param agentTables     the agents' tables in that schema to read all the same ({@code schema.table}: the
     *                        heartbeat), which a standby needs as the primary has them
     */
    public ReplicatedTables(ChangeFilter filter, ColumnMasker masker, String heartbeatSchema, String... agentTables) {
        this.filter = filter;
        this.masker = masker;
        this.heartbeatSchema = heartbeatSchema;
        this.agentTables = java.util.Arrays.stream(agentTables).map(t -> t.toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** One of the agents' own tables (the heartbeat): its standby copy is the primary's, replaced by a copy without asking. */
    public boolean agents(Target t) {
        return agentTables.contains(t.qualifiedName().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * {@code targets} with every table after the tables its foreign keys refer to (else in their
     * order; a cycle, which no order satisfies, is entered at its first table in that order, never
     * at a table that only refers to it), and for each the tables before it that it refers to. A copy
     * taken in this order, and one that copies several tables at once but starts a table only once
     * those are done ({@link CopyOrder#parentsBefore}), never passes over a parent's change while a
     * child of it is already copied, which the sink could not follow when the key cascades (the
     * sink's {@code ForeignKeyCascades}: the child goes stale then).
     */
    public static CopyOrder parentsFirst(Connection c, List<Target> targets) throws SQLException {
        if (targets.size() < 2) {
            return new CopyOrder(targets, Map.of());
        }
        Map<String, Target> byName = new LinkedHashMap<>();
        targets.forEach(t -> byName.put(t.qualifiedName(), t));
        Set<String> schemas = new java.util.TreeSet<>();
        targets.forEach(t -> schemas.add(t.schema()));
        Map<String, Set<String>> parents = new java.util.HashMap<>();
        // only the targets' schemas: information_schema opens every table of the schemas it reads
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, UNIQUE_CONSTRAINT_SCHEMA,"
                + " REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ("
                + String.join(", ", java.util.Collections.nCopies(schemas.size(), "?")) + ")")) {
            int i = 1;
            for (String schema : schemas) {
                ps.setString(i++, schema);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String child = rs.getString(1) + "." + rs.getString(2);
                    String parent = rs.getString(3) + "." + rs.getString(4);
                    if (!child.equals(parent) && byName.containsKey(child) && byName.containsKey(parent)) {
                        parents.computeIfAbsent(child, k -> new java.util.HashSet<>()).add(parent);
                    }
                }
            }
        }
        List<Target> ordered = new ArrayList<>();
        Set<String> placed = new java.util.HashSet<>();
        Map<String, Set<String>> waits = new java.util.HashMap<>();
        while (ordered.size() < targets.size()) {
            Target next = null;
            for (Target t : targets) { // the first in the given order whose parents are all placed
                if (!placed.contains(t.qualifiedName()) && placed.containsAll(parents.getOrDefault(t.qualifiedName(), Set.of()))) {
                    next = t;
                    break;
                }
            }
            if (next == null) { // only cycles are left to start: the first table that is in one, not one that refers to one
                next = targets.stream().filter(t -> !placed.contains(t.qualifiedName())
                        && inCycle(t.qualifiedName(), parents, placed)).findFirst().orElseThrow();
            }
            Set<String> before = new java.util.HashSet<>(parents.getOrDefault(next.qualifiedName(), Set.of()));
            before.retainAll(placed); // a parent after it closes a cycle: the order cannot wait for it
            if (!before.isEmpty()) {
                waits.put(next.qualifiedName(), before);
            }
            ordered.add(next);
            placed.add(next.qualifiedName());
        }
        return new CopyOrder(ordered, waits);
    }

    /** True when {@code table} refers to itself through tables not yet {@code placed}. */
    private static boolean inCycle(String table, Map<String, Set<String>> parents, Set<String> placed) {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(parents.getOrDefault(table, Set.of()));
        Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.poll();
            if (t.equals(table)) {
                return true;
            }
            if (!placed.contains(t) && seen.add(t)) {
                todo.addAll(parents.getOrDefault(t, Set.of()));
            }
        }
        return false;
    }

    /** The tables to verify: replicated by this source, matching the pattern, with their columns and key. */
    public List<Target> targets(Connection c, String pattern, List<String> skipped) throws SQLException {
        Pattern match = pattern.isEmpty() ? null : io.qreplicator.core.sql.TablePatterns.of(pattern);
        List<String[]> tables = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                     + " WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        List<Target> targets = new ArrayList<>();
        for (String[] t : tables) {
            String schema = t[0];
            String table = t[1];
            String name = schema + "." + table;
            boolean agentsOwn = schema.equals(heartbeatSchema) && !agentTables.contains(name.toLowerCase(java.util.Locale.ROOT));
            if (SYSTEM_SCHEMAS.contains(schema.toLowerCase(java.util.Locale.ROOT)) || agentsOwn
                    || !filter.keepRows(schema, table) || (match != null && !match.matcher(name).matches())) {
                continue;
            }
            if (masker.hasRulesFor(schema, table)) {
                skipped.add(name + " (filters.columns changes its rows on purpose)");
                continue;
            }
            List<String> columns = columns(c, schema, table);
            List<String> key = key(c, schema, table);
            List<String> period = List.of();
            if (t[2].equals("SYSTEM VERSIONED")) {
                String[] p = period(c, schema, table);
                if (p == null) {
                    skipped.add(name + " (system-versioned by transaction ids: replication refuses it)");
                    continue;
                }
                period = List.of(p[0], p[1]);
                columns = new ArrayList<>(columns);
                columns.addAll(period);
                key = key.stream().filter(k -> !k.equalsIgnoreCase(p[1])).toList();
            }
            targets.add(new Target(schema, table, columns, key, period));
        }
        if (targets.isEmpty() && skipped.isEmpty()) {
            log.warn("verify: no replicated table matches '{}'", pattern);
        }
        return targets;
    }

    private static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, EXTRA, GENERATION_EXPRESSION FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String extra = rs.getString(2) == null ? "" : rs.getString(2).toLowerCase(java.util.Locale.ROOT);
                    String expression = rs.getString(3);
                    if ((expression == null || expression.isEmpty()) && !extra.contains("generated")) {
                        cols.add(rs.getString(1)); // generated columns: computed by each side from the others
                    }
                }
            }
        }
        return cols;
    }

    /**
     * A system-versioned table's ROW START and ROW END columns: the declared ones, else MariaDB's
     * implicit {@code row_start} and {@code row_end}; null when they hold transaction ids.
     */
    private static String[] period(Connection c, String schema, String table) throws SQLException {
        String[] p = {"row_start", "row_end"};
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, GENERATION_EXPRESSION, DATA_TYPE FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND GENERATION_EXPRESSION IN"
                + " ('ROW START', 'ROW END')")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(3).toLowerCase(java.util.Locale.ROOT).startsWith("timestamp")) {
                        return null;
                    }
                    p["ROW START".equals(rs.getString(2)) ? 0 : 1] = rs.getString(1);
                }
            }
        }
        return p;
    }

    /** The primary key, else the first unique key of NOT NULL columns, else none. */
    private static List<String> key(Connection c, String schema, String table) throws SQLException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        Map<String, Boolean> usable = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.INDEX_NAME, s.COLUMN_NAME, c.IS_NULLABLE, s.SUB_PART"
                + " FROM information_schema.STATISTICS s JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA"
                + " AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME WHERE s.TABLE_SCHEMA = ? AND"
                + " s.TABLE_NAME = ? AND s.NON_UNIQUE = 0 ORDER BY s.INDEX_NAME = 'PRIMARY' DESC, s.INDEX_NAME, s.SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    boolean ok = "NO".equalsIgnoreCase(rs.getString(3)) && rs.getObject(4) == null;
                    usable.merge(rs.getString(1), ok, Boolean::logicalAnd);
                }
            }
        }
        for (Map.Entry<String, List<String>> k : keys.entrySet()) {
            if (usable.get(k.getKey())) {
                return k.getValue();
            }
        }
        log.warn("{}.{} has no primary key nor a unique key of NOT NULL columns: it is read whole, as one chunk", schema, table);
        return List.of();
    }
}
