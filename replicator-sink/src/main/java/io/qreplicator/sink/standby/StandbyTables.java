package io.qreplicator.sink.standby;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.schema.TableShape;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place the sink reads its standby's schema: per table, from information_schema, the facts
 * that decide what a row statement may write and how a value must be sent (and the names, types and
 * keys that {@code StandbyColumnNames} and the parallel applier's write sets need).
 *
 * <p>Invariant: the standby must never fill in a column by itself, because what it fills in is its
 * own value, not the primary's. So a row statement
 * <ul>
 *   <li>never writes a <b>generated</b> column (VIRTUAL or STORED): the standby computes it from the
 *       written columns, as the primary did, and refuses a value for it (error 1906); nor does it use
 *       one to find a row (the base columns it follows from are there);</li>
 *   <li>keeps an <b>ON UPDATE CURRENT_TIMESTAMP</b> column (TIMESTAMP or DATETIME) that an UPDATE's
 *       image leaves out at its current value, {@code col = col}: the image leaves it out because
 *       the primary did not change it, and assigning a column its current value is what stops the
 *       auto-update (otherwise the standby writes its own apply time);</li>
 *   <li>sends a <b>fixed-length binary</b> value (BINARY(n), UUID, INET6, INET4: a fixed-length
 *       binlog STRING column without a character set) padded back to its n bytes with 0x00. The
 *       binlog strips a fixed-length string's trailing pad characters, 0x00 for binary, and a
 *       replica restores them from its own column's definition; without that the nil UUID arrives
 *       as '' and the standby refuses it, and a BINARY key ending in zero bytes is not found by a
 *       comparison with the shorter value ({@code <=>} compares binary strings unpadded).</li>
 * </ul>
 * It also knows the standby's cascading foreign keys ({@link #cascadingKeys}, {@link #cascadesBeyond}),
 * for the cascades the sink must run as the primary did, and each table's triggers
 * ({@link Table#triggers}): the sink's rows would set them off, so it writes to no such table.
 *
 * <p>The facts are taken from the standby, not the primary, because the standby is the server that
 * would fill in or refuse; DDL reaches it in stream order, so its table is the table the rows were
 * written to. Columns are matched by name (case-insensitively, as the server does); a row column the
 * standby does not have gets no fact, and its statement fails on the standby with the server's word.
 *
 * <p>Facts go stale with DDL, so they are kept only as long as they hold: one instance per connection
 * (not thread-safe), each table read once and kept until {@link #forget()}, which the owner calls
 * when the connection was lost (a re-provisioned standby may have changed every table), or
 * {@link #ddlApplied()}, after it applied a DDL statement. The connections of one sink share a
 * {@link Changes} count of the DDL statements any of them applied: one that did not apply it learns
 * of it from {@link #forgetIfChanged()}, which its owner calls before each transaction (DDL runs
 * alone, so no transaction runs alongside it). Whatever the owner built from the facts (statement
 * text) must be dropped with them.
 */
public final class StandbyTables {
    /** The facts of one table of the standby. */
    public static final class Table {
        private final TableShape shape;
        // by the standby's column positions
        private final BitSet generated;
        private final BitSet onUpdate;
        private final BitSet fixedBinary;
        private final List<List<String>> uniqueKeys;
        private final boolean systemVersioned;
        /** A system-versioned table's ROW START and ROW END columns (lower case) and their data type; null otherwise. */
        private final String periodStart;
        private final String periodEnd;
        private final String periodType;
        private final String engine;
        private final boolean indexed;
        private final List<String> triggers;

        private Table(TableShape shape, BitSet generated, BitSet onUpdate, BitSet fixedBinary, List<List<String>> uniqueKeys,
                      String[] period, String engine, boolean indexed, List<String> triggers) {
            this.indexed = indexed;
            this.triggers = triggers;
            this.systemVersioned = period != null;
            this.periodStart = period == null ? null : period[0];
            this.periodEnd = period == null ? null : period[1];
            this.periodType = period == null ? null : period[2];
            this.engine = engine;
            this.shape = shape;
            this.generated = generated;
            this.onUpdate = onUpdate;
            this.fixedBinary = fixedBinary;
            this.uniqueKeys = uniqueKeys;
        }

        /** Its columns (names, types, signedness) and primary key. */
        public TableShape shape() {
            return shape;
        }

        /**
         * Its storage engine when a rollback cannot undo what was written to it (MyISAM, Aria, MEMORY...);
         * null for a transactional one (InnoDB).
         */
        public String nonTransactionalEngine() {
            return engine == null || TRANSACTIONAL_ENGINES.contains(engine.toUpperCase(Locale.ROOT)) ? null : engine;
        }

        /** True for a table WITH SYSTEM VERSIONING (MariaDB). */
        public boolean systemVersioned() {
            return systemVersioned;
        }

        /**
         * True for a system-versioned table whose ROW START and ROW END are transaction ids ({@code BIGINT
         * UNSIGNED}, transaction-precise history): ids of the primary's transactions mean nothing on the
         * standby, so such a history cannot be replayed.
         */
        public boolean versionedByTransaction() {
            return systemVersioned && !periodType.startsWith("timestamp");
        }

        /** False for a table without any index: finding a row in it means reading the whole table. */
        public boolean indexed() {
            return indexed;
        }

        /** The names of the triggers the standby has on it (a row the sink writes would set them off). */
        public List<String> triggers() {
            return triggers;
        }

        /** Its unique keys other than the primary key, as column names in key order. */
        public List<List<String>> uniqueKeys() {
            return uniqueKeys;
        }

        /** These facts for the columns of {@code t}, a row's table definition, matched by name. */
        public Columns columnsOf(TableDef t) {
            Map<String, Integer> byName = new HashMap<>();
            for (int i = 0; i < shape.columns().size(); i++) {
                byName.put(shape.columns().get(i).toLowerCase(Locale.ROOT), i);
            }
            BitSet gen = new BitSet();
            BitSet upd = new BitSet();
            BitSet pad = new BitSet();
            for (int i = 0; i < t.columns().size(); i++) {
                ColumnDef c = t.columns().get(i);
                Integer s = c.name() == null ? null : byName.get(c.name().toLowerCase(Locale.ROOT));
                if (s != null) {
                    gen.set(i, generated.get(s));
                    upd.set(i, onUpdate.get(s));
                    pad.set(i, fixedBinary.get(s) && c.type() == ColumnType.STRING);
                } else if (c.name() != null && LONG_UNIQUE_HASH.matcher(c.name()).matches()) {
                    // MariaDB's hidden hash of a long UNIQUE key (BLOB/TEXT): logged in the row, computed by the server,
                    // shown nowhere in information_schema; like a generated column it is never written
                    gen.set(i);
                }
            }
            SystemPeriod period = SystemPeriod.NONE;
            if (systemVersioned) {
                int start = -1;
                int end = -1;
                for (int i = 0; i < t.columns().size(); i++) {
                    String n = t.columns().get(i).name();
                    if (n != null && n.equalsIgnoreCase(periodStart)) {
                        start = i;
                        gen.set(i);
                    } else if (n != null && n.equalsIgnoreCase(periodEnd)) {
                        end = i;
                        gen.set(i);
                    }
                } // never written nor matched on like generated columns (the implicit ones are in no information_schema)
                period = new SystemPeriod(start, end, periodStart, periodEnd);
            }
            return new Columns(gen, upd, pad, period);
        }
    }

    /**
     * Where a system-versioned table's ROW START and ROW END are among a row's columns: indexes into
     * the row's table definition, -1 where the row does not log it (a primary whose table is not
     * versioned, or a definition without column names).
     *
     * @param start     the ROW START column's index, or -1
     * @param end       the ROW END column's index, or -1
     * @param startName its name on the standby
     * @param endName   its name on the standby
     */
    public record SystemPeriod(int start, int end, String startName, String endName) {
        /** Not a system-versioned table. */
        public static final SystemPeriod NONE = new SystemPeriod(-1, -1, null, null);

        public boolean versioned() {
            return startName != null;
        }

        /** Both columns are in the row. */
        public boolean logged() {
            return start >= 0 && end >= 0;
        }
    }

    /**
     * The facts by a row's column indexes ({@link Table#columnsOf}).
     *
     * @param generated   columns the standby computes itself: never written, never matched on
     * @param onUpdate    columns the standby sets to its own time on UPDATE unless assigned
     * @param fixedBinary columns whose binlog value lost its trailing 0x00 bytes
     * @param period      a system-versioned table's ROW START and ROW END ({@link SystemPeriod#NONE} for others);
     *                    both are among {@code generated} too
     */
    public record Columns(BitSet generated, BitSet onUpdate, BitSet fixedBinary, SystemPeriod period) {
        /** A table of which nothing is known (no such table on the standby): nothing is left out or added. */
        public static final Columns NONE = new Columns(new BitSet(), new BitSet(), new BitSet());

        public Columns(BitSet generated, BitSet onUpdate, BitSet fixedBinary) {
            this(generated, onUpdate, fixedBinary, SystemPeriod.NONE);
        }

        public Columns {
            generated = (BitSet) generated.clone();
            onUpdate = (BitSet) onUpdate.clone();
            fixedBinary = (BitSet) fixedBinary.clone();
        }

        @Override
        public BitSet generated() {
            return (BitSet) generated.clone();
        }

        @Override
        public BitSet onUpdate() {
            return (BitSet) onUpdate.clone();
        }

        @Override
        public BitSet fixedBinary() {
            return (BitSet) fixedBinary.clone();
        }
    }

    /** The DDL statements applied to the standby by any connection of one sink. */
    public static final class Changes {
        private final AtomicLong count = new AtomicLong();
    }

    private static final java.util.regex.Pattern LONG_UNIQUE_HASH = java.util.regex.Pattern.compile("DB_ROW_HASH_\\d+",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Tables whose facts are kept; past this the cache starts again (a bound, not a tuning). */
    private static final int MAX_TABLES = 1_000;
    private static final Table ABSENT = new Table(null, new BitSet(), new BitSet(), new BitSet(), List.of(), null, null, true, List.of());
    private static final java.util.Set<String> TRANSACTIONAL_ENGINES = java.util.Set.of("INNODB", "XTRADB", "ROCKSDB", "TOKUDB",
            "NDBCLUSTER", "NDB");

    private final Map<String, Table> tables = new HashMap<>();
    /** Per parent table (schema.table, lower case), its cascading keys; null until read. */
    private Map<String, List<CascadingKey>> cascadingKeys;
    /** Per table (lower case), what {@link #cascadesBeyond} found, while {@link #cascadingKeys} holds. */
    private final Map<String, java.util.Set<String>> cascadeReach = new HashMap<>();
    private final Changes changes;
    private long seen;
    /** Past this many schemas written, the 30 s look reads the whole catalog once rather than each schema. */
    private static final int TRIGGER_LOOK_MAX_SCHEMAS = 20;

    /** How often the standby's triggers are looked at for one made by hand (a property for tests). */
    private static final long TRIGGER_LOOK_NANOS = Long.getLong("qreplicator.standby.trigger-look-ms", 30_000) * 1_000_000;
    private long triggersLookedAt;
    private String triggersSeen;
    /** The schemas whose triggers the last look read. */
    private java.util.Set<String> triggersSeenIn = java.util.Set.of();
    /** The schemas of the tables this connection has looked up: the 30 s look reads their triggers only. */
    private final java.util.Set<String> schemasUsed = new java.util.TreeSet<>();

    /** For a connection that is the sink's only one. */
    public StandbyTables() {
        this(new Changes());
    }

    /** For one of several connections of a sink, which share {@code changes}. */
    public StandbyTables(Changes changes) {
        this.changes = changes;
        this.seen = changes.count.get();
    }

    /** The standby's facts of {@code schema.table}, or null when it has no such table. */
    public Table of(Connection c, String schema, String table) throws SQLException {
        String name = schema + "." + table;
        Table t = tables.get(name);
        if (t == null) {
            t = read(c, schema, table);
            if (tables.size() >= MAX_TABLES) {
                tables.clear();
            }
            tables.put(name, t);
            schemasUsed.add(schema);
        }
        return t == ABSENT ? null : t;
    }

    /** The facts of a row's table by its column indexes; {@link Columns#NONE} when the standby has no such table. */
    public Columns columnsOf(Connection c, TableDef t) throws SQLException {
        Table table = of(c, t.schema(), t.table());
        return table == null ? Columns.NONE : table.columnsOf(t);
    }

    /**
     * A foreign key of the standby whose action changes rows ({@code CASCADE}, {@code SET NULL},
     * {@code SET DEFAULT}; RESTRICT and NO ACTION change none).
     *
     * @param child      the table that holds the key, {@code schema.table} as the standby names it
     * @param onDelete   a DELETE of a parent row changes the child's rows
     * @param onUpdate   an UPDATE of the referenced columns of a parent row changes the child's rows
     * @param referenced the parent's columns the key refers to, lower case
     */
    public record CascadingKey(String child, boolean onDelete, boolean onUpdate, java.util.Set<String> referenced) {
    }

    /** The cascading keys that refer to {@code schema.table} (read once, for all tables, and kept like the tables' facts). */
    public List<CascadingKey> cascadingKeys(Connection c, String schema, String table) throws SQLException {
        Map<String, List<CascadingKey>> keys = cascadingKeys(c);
        // by name without case: a standby with another lower_case_table_names must still find them
        return keys.isEmpty() ? List.of() : keys.getOrDefault((schema + "." + table).toLowerCase(Locale.ROOT), List.of());
    }

    /** Every cascading key by parent table, read on first use after {@link #forget}. */
    private Map<String, List<CascadingKey>> cascadingKeys(Connection c) throws SQLException {
        if (cascadingKeys == null) {
            cascadingKeys = readCascadingKeys(c);
        }
        return cascadingKeys;
    }

    /**
     * The tables whose rows a cascade into {@code child} ({@code schema.table}) may change further,
     * through every cascading key of each table reached, whatever the rule (a cascade changes its
     * rows' keys or removes them); empty when none refers to it.
     */
    public java.util.Set<String> cascadesBeyond(Connection c, String child) throws SQLException {
        Map<String, List<CascadingKey>> keys = cascadingKeys(c);
        if (keys.isEmpty()) {
            return java.util.Set.of();
        }
        return cascadeReach.computeIfAbsent(child.toLowerCase(Locale.ROOT), from -> {
            java.util.Set<String> reached = new java.util.TreeSet<>();
            java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(from));
            while (!todo.isEmpty()) {
                for (CascadingKey k : keys.getOrDefault(todo.poll(), List.of())) {
                    if (reached.add(k.child())) {
                        todo.add(k.child().toLowerCase(Locale.ROOT));
                    }
                }
            }
            return java.util.Collections.unmodifiableSet(reached);
        });
    }

    /** The connection was lost: any table may have changed. */
    public void forget() {
        tables.clear();
        cascadingKeys = null;
        cascadeReach.clear();
    }

    /** This connection applied a DDL statement: forgets everything, and tells the other connections. */
    public void ddlApplied() {
        seen = changes.count.incrementAndGet();
        forget();
    }

    /**
     * Forgets everything if another connection applied a DDL statement since this one last looked.
     *
     * @return true when it did: whatever the caller built from these facts must be built again
     */
    public boolean forgetIfChanged() {
        long now = changes.count.get();
        if (now == seen) {
            return false;
        }
        seen = now;
        forget();
        return true;
    }

    /**
     * Forgets everything when the standby's triggers changed since this connection last looked, at
     * most every 30 s: a trigger made by hand while the sink runs (the sink's own DDL is known at
     * once, {@link #forgetIfChanged}), so that the next row for its table stops the sink before it
     * sets it off, within that time.
     *
     * @return true when it did: whatever the caller built from these facts must be built again
     */
    public boolean forgetIfTriggersChanged(Connection c) throws SQLException {
        long now = System.nanoTime();
        if (triggersSeen != null && now - triggersLookedAt < TRIGGER_LOOK_NANOS) {
            return false;
        }
        triggersLookedAt = now;
        // information_schema opens only the named schema's tables for EVENT_OBJECT_SCHEMA = constant (about 3 ms where
        // reading all of a 50,000-table catalog takes about 150 ms: scripts/bench/trigger-catalog.sh)
        java.util.Set<String> schemas = schemasUsed.size() <= TRIGGER_LOOK_MAX_SCHEMAS ? java.util.Set.copyOf(schemasUsed) : null;
        StringBuilder state = new StringBuilder();
        if (schemas == null) {
            try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT COUNT(*), COALESCE(MAX(CREATED), '') FROM information_schema.TRIGGERS")) {
                rs.next();
                state.append(rs.getString(1)).append(' ').append(rs.getString(2));
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(MAX(CREATED), '') FROM"
                    + " information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ?")) {
                for (String schema : new java.util.TreeSet<>(schemas)) {
                    ps.setString(1, schema);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        state.append(schema).append(':').append(rs.getString(1)).append(' ').append(rs.getString(2)).append(';');
                    }
                }
            }
        }
        java.util.Set<String> lookedIn = schemas == null ? java.util.Set.of("*") : schemas;
        if (!lookedIn.equals(triggersSeenIn)) {
            // a schema written since the last look has no state to compare with: its tables' facts (and triggers) are read
            // again, from now on compared
            boolean first = triggersSeen == null;
            triggersSeenIn = lookedIn;
            triggersSeen = state.toString();
            if (!first) {
                forget();
            }
            return !first;
        }
        boolean changed = triggersSeen != null && !state.toString().equals(triggersSeen);
        triggersSeen = state.toString();
        if (changed) {
            forget();
        }
        return changed;
    }

    /** Parent table (lower case) to its cascading keys. */
    private static Map<String, List<CascadingKey>> readCascadingKeys(Connection c) throws SQLException {
        Map<String, Map<String, CascadingKey>> byParent = new LinkedHashMap<>();
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT r.UNIQUE_CONSTRAINT_SCHEMA, r.REFERENCED_TABLE_NAME, r.CONSTRAINT_SCHEMA, r.TABLE_NAME, r.CONSTRAINT_NAME,"
                        + " r.DELETE_RULE, r.UPDATE_RULE, k.REFERENCED_COLUMN_NAME"
                        + " FROM information_schema.REFERENTIAL_CONSTRAINTS r JOIN information_schema.KEY_COLUMN_USAGE k"
                        + " ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME"
                        + " AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.REFERENCED_TABLE_NAME IS NOT NULL"
                        + " WHERE r.DELETE_RULE NOT IN ('RESTRICT', 'NO ACTION') OR r.UPDATE_RULE NOT IN ('RESTRICT', 'NO ACTION')")) {
            while (rs.next()) {
                String parent = (rs.getString(1) + "." + rs.getString(2)).toLowerCase(Locale.ROOT);
                String child = rs.getString(3) + "." + rs.getString(4);
                CascadingKey column = new CascadingKey(child, acts(rs.getString(6)), acts(rs.getString(7)),
                        java.util.Set.of(lower(rs.getString(8))));
                byParent.computeIfAbsent(parent, k -> new LinkedHashMap<>()).merge(child + "\u0000" + rs.getString(5), column,
                        (a, b) -> new CascadingKey(a.child(), a.onDelete(), a.onUpdate(), union(a.referenced(), b.referenced())));
            }
        }
        Map<String, List<CascadingKey>> keys = new HashMap<>();
        byParent.forEach((parent, byName) -> keys.put(parent, List.copyOf(byName.values())));
        return keys;
    }

    private static boolean acts(String rule) {
        return !"RESTRICT".equals(rule) && !"NO ACTION".equals(rule);
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return java.util.Set.copyOf(all);
    }

    private static Table read(Connection c, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        BitSet unsigned = new BitSet();
        BitSet generated = new BitSet();
        BitSet onUpdate = new BitSet();
        BitSet fixedBinary = new BitSet();
        String[] period = {null, null, null};
        // GENERATION_EXPRESSION and EXTRA, not IS_GENERATED: MySQL's information_schema has no IS_GENERATED
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA, GENERATION_EXPRESSION,"
                + " CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = names.size();
                    String extra = lower(rs.getString(4));
                    String expression = rs.getString(5);
                    unsigned.set(i, lower(rs.getString(3)).contains("unsigned"));
                    generated.set(i, (expression != null && !expression.isEmpty())
                            || extra.contains("virtual generated") || extra.contains("stored generated")
                            || extra.contains("persistent generated"));
                    onUpdate.set(i, extra.contains("on update"));
                    fixedBinary.set(i, rs.getString(6) == null); // only looked at for binlog STRING columns
                    if ("ROW START".equalsIgnoreCase(expression)) { // declared AS ROW START (implicit ones are not listed)
                        period[0] = lower(rs.getString(1));
                        period[2] = lower(rs.getString(2));
                    } else if ("ROW END".equalsIgnoreCase(expression)) {
                        period[1] = lower(rs.getString(1));
                    }
                    names.add(rs.getString(1));
                    types.add(lower(rs.getString(2)));
                }
            }
        }
        if (names.isEmpty()) {
            return ABSENT;
        }
        boolean versioned = false;
        String engine = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_TYPE, ENGINE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    versioned = "SYSTEM VERSIONED".equalsIgnoreCase(rs.getString(1));
                    engine = rs.getString(2);
                }
            }
        }
        Map<String, List<String>> keys = new LinkedHashMap<>();
        boolean indexed = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    indexed = true;
                    if (rs.getInt(3) == 0) {
                        keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
        }
        List<String> triggers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? ORDER BY TRIGGER_NAME")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    triggers.add(rs.getString(1));
                }
            }
        }
        List<String> primary = keys.remove("PRIMARY");
        int[] primaryKey = primary == null ? new int[0] : primary.stream().mapToInt(names::indexOf).toArray();
        List<List<String>> unique = new ArrayList<>();
        keys.values().forEach(k -> unique.add(List.copyOf(k)));
        if (versioned && period[0] == null) {
            period = new String[] {"row_start", "row_end", "timestamp"}; // WITH SYSTEM VERSIONING alone: MariaDB's implicit columns
        }
        return new Table(new TableShape(schema, table, names, types, unsigned, primaryKey), generated, onUpdate, fixedBinary,
                List.copyOf(unique), versioned ? period : null, engine, indexed, List.copyOf(triggers));
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
