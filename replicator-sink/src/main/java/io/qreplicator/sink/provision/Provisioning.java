package io.qreplicator.sink.provision;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.CopyChunk;
import io.qreplicator.core.model.ProvisionEnd;
import io.qreplicator.core.model.ProvisionTable;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.verify.ChunkChecksum;
import io.qreplicator.core.verify.VerifyKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sink's half of {@code qrepl provision}: the hand-over from a table's copy to the stream, row
 * by row.
 *
 * <p>Invariant: while a table is being copied, a row change to it is applied exactly when its row
 * lies in the part already copied (its key at or below the bound of the last applied
 * {@link CopyChunk}), and passed over otherwise: the chunk that will bring that row is read on the
 * primary at a later point of the stream, so it already holds the change. A change that moves a row
 * out of the copied part deletes it; one that moves a row into it inserts its whole after image (a
 * minimal image cannot, and stops the sink with the table's name). A table copied whole has no
 * copied part until its one chunk, so every change before it is passed over. The copied part's
 * bound is written to {@code METADATA.provision} in the same standby transaction as the chunk's rows
 * and the checkpoint, and read back at start: a restarted sink resumes the hand-over where it was.
 *
 * <p>Keys are compared as integers (the source cuts only integer keys into chunks), so the bound
 * means on the standby what it meant on the primary.
 *
 * <p>A system-versioned table's chunk holds every version of its rows, inserted as history with
 * the primary's ROW START and ROW END; the changes of its copied part then apply as any versioned
 * change does ({@code VersionedRows}), so the standby's history continues the primary's. Its range
 * is not cleared first (a DELETE would keep the rows as history of the standby's own): it must be
 * empty, and the sink stops if it is not.
 */
public final class Provisioning {
    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);

    /** A table being copied: its key, whether in chunks, and the copied part's bound (null: nothing yet). */
    private record Copying(String run, List<String> key, boolean chunked, List<BigInteger> upto, long rows) {
    }

    private final String schema;
    private final String stream;
    private final Map<String, Copying> copying = new ConcurrentHashMap<>();
    /** Per table of the runs seen: its state for {@code qrepl status} ({@code copying N rows}, {@code done N rows}, {@code refused: ...}). */
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private volatile String lastRun = "";

    /** The file {@code qrepl provision} writes next to the sink: the run and the tables it is about to copy. */
    public static final String PENDING = "pending.properties";

    private final java.nio.file.Path pendingFile;
    private volatile long pendingCheckedAt;
    private volatile long pendingModified = -1;
    private volatile String pendingRun = "";
    private volatile java.util.regex.Pattern pending;
    /** Tables of the pending run whose start has reached the stream. */
    private final java.util.Set<String> reached = ConcurrentHashMap.newKeySet();
    /** Per table, the run of its last provisioning state (as the state table holds it). */
    private final Map<String, String> runs = new ConcurrentHashMap<>();
    /**
     * Tables whose copy was refused after their changes had been passed over awaiting it ({@link #key}
     * keys; state {@code stale} in the state table): the standby's copy misses those changes, so their
     * changes go on being passed over (applied to a stale copy they could only diverge further or stop
     * every table's replication) until a later run copies them, and status says so.
     */
    private final java.util.Set<String> stale = ConcurrentHashMap.newKeySet();
    /** Tables of the pending run whose changes this process passed over while they awaited their copy. */
    private final java.util.Set<String> passedOver = ConcurrentHashMap.newKeySet();
    /** When this process started reading the pending run: a run requested before it may have passed over changes unseen. */
    private final long startedMillis = System.currentTimeMillis();

    /**
     * Tables never copied, whose changes are never passed over ({@link #key} keys): the sink's own
     * ({@code CheckpointTable#stateTables}) and the source's role table, whose rows are each server's.
     */
    private final java.util.Set<String> neverCopied;

    /** @param roleTable the source's role table ({@code schema.table}) */
    public Provisioning(String metadataSchema, String stream, java.nio.file.Path dataDir, String roleTable) {
        this.schema = metadataSchema;
        java.util.List<String> tables = new java.util.ArrayList<>(io.qreplicator.sink.standby.CheckpointTable.stateTables(metadataSchema));
        tables.add(roleTable);
        this.neverCopied = tables.stream().map(t -> key(t.substring(0, t.indexOf('.')), t.substring(t.indexOf('.') + 1)))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.stream = stream;
        this.pendingFile = dataDir.resolve("provision").resolve(PENDING);
    }

    /**
     * Reads the pending run again when its file changed (looked at no more than five times a second):
     * until a pending table's start reaches the stream, its row changes and DDL are passed over (the
     * copy, read on the primary later, holds them), so that a standby that lacks the table, or holds
     * a damaged copy of it, does not stop the sink before its copy arrives.
     */
    private void refreshPending() {
        long now = System.nanoTime();
        if (now - pendingCheckedAt < 200_000_000L) {
            return;
        }
        pendingCheckedAt = now;
        try {
            long modified = java.nio.file.Files.exists(pendingFile)
                    ? java.nio.file.Files.getLastModifiedTime(pendingFile).toMillis() : 0;
            if (modified == pendingModified) {
                return;
            }
            pendingModified = modified;
            if (modified == 0) {
                pending = null;
                pendingRun = "";
                return;
            }
            java.util.Properties p = new java.util.Properties();
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(pendingFile)) {
                p.load(r);
            }
            String run = p.getProperty("run", "");
            if (!run.equals(pendingRun)) {
                reached.clear();
                passedOver.clear();
            }
            pendingRun = run;
            pending = io.qreplicator.core.sql.TablePatterns.of(p.getProperty("tables", ""));
            log.info("provisioning run {} is pending for tables '{}': their changes are passed over until their copy"
                    + " starts in the stream", run, p.getProperty("tables", ""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + pendingFile + ": " + e.getMessage(), e);
        }
    }

    /** True while {@code schema.table} waits for its copy to start: its changes are passed over. */
    private boolean awaitingCopy(String schemaName, String tableName) {
        refreshPending();
        java.util.regex.Pattern p = pending;
        String name = key(schemaName, tableName);
        // reached: its start was applied by this process, or by an earlier one (the state table names the run)
        return p != null && !reached.contains(name) && !pendingRun.equals(runs.get(name))
                && !neverCopied.contains(name) // the sink's own state, the roles; the heartbeat table is copied like the rest
                && p.matcher(schemaName + "." + tableName).matches();
    }

    /**
     * True when a statement is to be passed over: every table it names waits for its copy to start
     * (the copy's CREATE TABLE is the primary's as of that point, this statement included).
     */
    public boolean passesOver(java.util.Set<String> tables) {
        if (tables.isEmpty()) {
            return false;
        }
        for (String t : tables) {
            int dot = t.indexOf('.');
            if (dot < 0 || !passedOver(t.substring(0, dot), t.substring(dot + 1))) {
                return false;
            }
        }
        for (String t : tables) {
            int dot = t.indexOf('.');
            passedOver.add(key(t.substring(0, dot), t.substring(dot + 1)));
        }
        return true;
    }

    /**
     * False when the standby holds none of {@code schema.table}'s rows that the stream keeps up to
     * date: it waits for its copy (which drops and creates it), its copy was refused, or its copy has
     * not copied a chunk yet. A change that a foreign key cascades to such a table need not
     * reach it; one that cascades to any other table must.
     */
    public boolean holdsRowsOf(String schemaName, String tableName) {
        Copying cp = copying.get(key(schemaName, tableName));
        return cp != null ? cp.upto() != null : !passedOver(schemaName, tableName);
    }

    /** True when the table's changes are passed over: it awaits its copy, or its copy was refused after they were. */
    private boolean passedOver(String schemaName, String tableName) {
        return stale.contains(key(schemaName, tableName)) || awaitingCopy(schemaName, tableName);
    }

    /** The table, in the sink's metadata schema, that holds each table's provisioning state. */
    public static final String TABLE = "provision";

    private String table() {
        return "`" + schema + "`.`" + TABLE + "`";
    }

    /** Creates the state table if missing and reads the tables being copied. */
    public void load(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table() + " ("
                    + " stream VARCHAR(191) NOT NULL,"
                    + " schema_name VARCHAR(64) NOT NULL,"
                    + " table_name VARCHAR(64) NOT NULL,"
                    + " run VARCHAR(191) NOT NULL,"
                    + " state VARCHAR(16) NOT NULL,"
                    + " key_columns TEXT NOT NULL,"
                    + " chunked TINYINT NOT NULL,"
                    + " copied_upto TEXT NULL,"
                    + " copied_rows BIGINT NOT NULL,"
                    + " detail TEXT NOT NULL,"
                    + " PRIMARY KEY (stream, schema_name, table_name)"
                    + ") ENGINE=InnoDB COMMENT='Qreplicator: tables being copied by qrepl provision, and how far'");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT schema_name, table_name, run, state, key_columns, chunked,"
                + " copied_upto, copied_rows, detail FROM " + table() + " WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = key(rs.getString(1), rs.getString(2));
                    String state = rs.getString(4);
                    runs.put(name, rs.getString(3));
                    states.put(rs.getString(1) + "." + rs.getString(2), describe(state, rs.getLong(8), rs.getString(9)));
                    if (state.equals("stale")) {
                        stale.add(name);
                    }
                    if (state.equals("copying")) {
                        copying.put(name, new Copying(rs.getString(3), VerifyKeys.split(rs.getString(5)), rs.getBoolean(6),
                                rs.getString(7) == null ? null : bound(VerifyKeys.split(rs.getString(7))), rs.getLong(8)));
                    }
                }
            }
        }
    }

    /**
     * True when {@code p}'s table may be (re)created: absent, empty, or {@code force}; else records the
     * refusal, told once committed ({@link #committed}).
     *
     * @param seq the seq of the record that holds {@code p}
     */
    public boolean mayStart(Connection c, ProvisionTable p, long seq) throws SQLException {
        if (!mayStart(c, p)) {
            synchronized (this) {
                untold.add(Map.entry(p.qualifiedName(), seq));
            }
            return false;
        }
        return true;
    }

    private boolean mayStart(Connection c, ProvisionTable p) throws SQLException {
        lastRun = p.run();
        reached.add(key(p.schema(), p.table()));
        runs.put(key(p.schema(), p.table()), p.run());
        String noRoom = disk == null ? null : disk.tooLittle(c, p);
        if (noRoom != null) {
            refuse(c, p, noRoom);
            return false;
        }
        if (p.force()) {
            return true;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM " + ChunkChecksum.quote(p.schema()) + "." + ChunkChecksum.quote(p.table())
                     + " LIMIT 1")) {
            if (!rs.next()) {
                return true;
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                return true; // no such table or schema yet
            }
            throw e;
        }
        refuse(c, p, "refused: the standby's table holds rows; `qrepl provision --tables " + p.qualifiedName()
                + " --force` replaces it");
        return false;
    }

    /**
     * Records the refusal. A table whose changes were passed over while it awaited this copy (or may
     * have been: the sink restarted since the run was requested) is stale on the standby: it stays
     * passed over, and reported, until a later run copies it.
     */
    private void refuse(Connection c, ProvisionTable p, String why) throws SQLException {
        String name = key(p.schema(), p.table());
        refreshPending();
        boolean missed = passedOver.contains(name) || pendingModified < startedMillis;
        String state = missed ? "stale" : "refused";
        String detail = !missed ? why : why + ". NOT REPLICATED meanwhile: its changes since provisioning run " + p.run()
                + " was requested were passed over awaiting this copy, so the standby's copy misses them and its changes go"
                + " on being passed over until `qrepl provision --tables " + p.qualifiedName() + " --force` copies it";
        write(c, p.schema(), p.table(), p.run(), state, p.key(), p.chunked(), null, 0, detail);
        if (missed) {
            stale.add(name);
        }
        states.put(p.qualifiedName(), describe(state, 0, detail));
        log.warn("provisioning run {}: {} {}", p.run(), p.qualifiedName(), detail);
    }

    /**
     * A foreign key cascades from rows of {@code parent} that this copy passes over (they wait for
     * their chunk) into {@code schema.table}, which holds rows on the standby: the cascade the primary
     * ran cannot run here. So that table goes stale, as one whose copy was refused after its changes
     * were passed over: NOT REPLICATED, its changes passed over and the state reported, until a copy
     * replaces it. Recorded in the open standby transaction, with the change that caused it; the
     * returned action undoes what this changed in memory, for when that transaction rolls back.
     */
    public Runnable cascadeMissed(Connection c, String schemaName, String tableName, String parent, String txId)
            throws SQLException {
        String name = key(schemaName, tableName);
        if (stale.contains(name)) {
            return () -> { };
        }
        String qualified = schemaName + "." + tableName;
        int dot = parent.indexOf('.');
        Copying parentCopy = dot < 0 ? null : copying.get(key(parent.substring(0, dot), parent.substring(dot + 1)));
        String run = parentCopy != null ? parentCopy.run() : lastRun;
        String detail = "NOT REPLICATED: transaction " + txId + " changed rows of " + parent + " that provisioning"
                + (run.isEmpty() ? "" : " run " + run) + " has not copied (or that a foreign key refused while tables it"
                + " joins are not copied yet), and a foreign key cascades from it to this table, which the standby already"
                + " holds: the cascade the primary ran cannot run here. Its changes are passed over until `qrepl provision"
                + " --tables " + qualified + " --force` copies it again, once " + parent + " is copied (a run copies parents"
                + " before their children, also with --parallel; a parent copied by a run of its own may come after)";
        write(c, schemaName, tableName, run, "stale", List.of(), false, null, 0, detail);
        Copying wasCopying = copying.remove(name);
        String wasState = states.get(qualified);
        stale.add(name);
        states.put(qualified, describe("stale", 0, detail));
        log.warn("provisioning run {}: {} {}", run, qualified, detail);
        return () -> { // the standby transaction that recorded it rolled back: so does this, until it is applied again
            stale.remove(name);
            if (wasCopying != null) {
                copying.put(name, wasCopying);
            }
            if (wasState == null) {
                states.remove(qualified);
            } else {
                states.put(qualified, wasState);
            }
        };
    }

    /** True while a copy is under way or waited for, or a table is stale: tables the standby does not hold whole. */
    public boolean active() {
        refreshPending();
        return !copying.isEmpty() || !stale.isEmpty() || pending != null;
    }

    /**
     * How many tables are stale: their copy refused after their changes were passed over, or a cascade
     * into them passed over ({@link #cascadeMissed}); not replicated until copied.
     */
    public int staleTables() {
        return stale.size();
    }

    private volatile java.util.function.ObjLongConsumer<String> refusals = (table, startSeq) -> { };
    /** Refusals made in the open standby transaction: told once it commits ({@link #committed}), forgotten if it rolls back. */
    private final List<Map.Entry<String, Long>> untold = new ArrayList<>();

    /**
     * Tells {@code listener} ({@code schema.table}, the seq of its refused start step) of each refusal
     * once the standby transaction that recorded it has committed: a transaction rolled back and
     * applied again may decide otherwise (the disk's free space is read anew). The link passes them to
     * the source, which stops sending the table's chunks (they would only be dropped here).
     */
    public Provisioning onRefused(java.util.function.ObjLongConsumer<String> listener) {
        this.refusals = listener;
        return this;
    }

    /** The standby transaction committed: its refusals are told. Called by the applier's thread. */
    public synchronized void committed() {
        if (untold.isEmpty()) {
            return;
        }
        untold.forEach(r -> refusals.accept(r.getKey(), r.getValue()));
        untold.clear();
    }

    /** The standby transaction rolled back: its refusals are not told (applied again, it decides anew). */
    public synchronized void rolledBack() {
        untold.clear();
    }

    /** Checks that each table fits on the standby's disk before it is copied ({@link StandbyDisk}). */
    public Provisioning checkingDisk(StandbyDisk disk) {
        this.disk = disk;
        if (!disk.local()) {
            log.info("the standby does not run on this host: qrepl provision cannot check its free disk before a copy");
        }
        return this;
    }

    private StandbyDisk disk;

    /** After the table was (re)created empty: from here its changes are applied only within the copied part. */
    public void started(Connection c, ProvisionTable p) throws SQLException {
        write(c, p.schema(), p.table(), p.run(), "copying", p.key(), p.chunked(), null, 0, "");
        stale.remove(key(p.schema(), p.table()));
        copying.put(key(p.schema(), p.table()), new Copying(p.run(), p.key(), p.chunked(), null, 0));
        states.put(p.qualifiedName(), describe("copying", 0, ""));
        log.info("provisioning run {}: {} created on the standby; copying it", p.run(), p.qualifiedName());
    }

    /** Replaces the standby's rows of the chunk's range with the chunk's, and moves the copied part's bound. */
    public void copy(Connection c, CopyChunk k) throws SQLException {
        String name = key(k.schema(), k.table());
        Copying cp = copying.get(name);
        if (cp == null || !cp.run().equals(k.run())) {
            return; // refused, or a chunk of a run replaced since
        }
        if (k.history()) {
            // a DELETE would keep the rows as history: the range must be empty (the stream passes over its changes)
            io.qreplicator.sink.apply.VersionedRows.checkStandby(c, k.qualifiedName());
            requireEmpty(c, k, cp);
        } else {
            StringBuilder delete = new StringBuilder("DELETE FROM ").append(ChunkChecksum.from(k.schema(), k.table(), false));
            List<String> params = new ArrayList<>();
            ChunkChecksum.appendRange(delete, cp.key(), k.lower(), k.upper(), params);
            try (PreparedStatement ps = c.prepareStatement(delete.toString())) {
                ChunkChecksum.bind(ps, 1, params);
                ps.executeUpdate(); // rows of the range the stream put there are the chunk's, as of its place
            }
        }
        if (k.rows() > 0) {
            try (Statement st = c.createStatement()) {
                st.execute(k.insert()); // the session has foreign_key_checks=0: a chunk's rows may precede their parents
            }
        }
        long rows = cp.rows() + k.rows();
        if (k.last()) {
            write(c, k.schema(), k.table(), k.run(), "done", cp.key(), cp.chunked(), null, rows, "");
            copying.remove(name);
            states.put(k.qualifiedName(), describe("done", rows, ""));
            log.info("provisioning run {}: {} copied ({} rows); its changes are applied as the stream brings them", k.run(),
                    k.qualifiedName(), rows);
        } else {
            write(c, k.schema(), k.table(), k.run(), "copying", cp.key(), cp.chunked(), VerifyKeys.join(k.upper()), rows, "");
            copying.put(name, new Copying(cp.run(), cp.key(), cp.chunked(), bound(k.upper()), rows));
            states.put(k.qualifiedName(), describe("copying", rows, ""));
        }
    }

    /** Stops the sink when the standby holds a version of a row in the chunk's range of a versioned table. */
    private static void requireEmpty(Connection c, CopyChunk k, Copying cp) throws SQLException {
        StringBuilder count = new StringBuilder("SELECT COUNT(*) FROM ").append(ChunkChecksum.from(k.schema(), k.table(), true));
        List<String> params = new ArrayList<>();
        ChunkChecksum.appendRange(count, cp.key(), k.lower(), k.upper(), params);
        try (PreparedStatement ps = c.prepareStatement(count.toString())) {
            ChunkChecksum.bind(ps, 1, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    throw new IllegalStateException("provisioning run " + k.run() + ": the standby's " + k.qualifiedName()
                            + " (system-versioned) already holds " + rs.getLong(1) + " versions of rows in the range of the chunk"
                            + " after key " + k.lower() + ", which the copy was to bring: they cannot be replaced without"
                            + " leaving history of the standby's own. Provision the table again (qrepl provision --tables "
                            + k.qualifiedName() + " --force)");
                }
            }
        }
    }

    public void ended(ProvisionEnd e) {
        lastRun = e.run();
        if (e.run().equals(pendingRun)) {
            try {
                java.nio.file.Files.deleteIfExists(pendingFile); // every table of it has started: nothing to pass over
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException("cannot remove " + pendingFile + ": " + ex.getMessage(), ex);
            }
            pending = null;
            pendingRun = "";
            pendingModified = 0;
        }
        states.put("", "ended " + e.run() + ": " + e.summary());
        log.info("provisioning run {} ended: {}", e.run(), e.summary());
    }

    /**
     * The part of {@code rc} to apply on the standby (see the class comment): {@code rc} itself for a
     * table not being copied, else the changes of rows in the copied part, in their order.
     */
    public List<RowChange> visible(RowChange rc) {
        if (copying.isEmpty() && stale.isEmpty()) {
            refreshPending();
            if (pending == null) {
                return List.of(rc); // nothing being copied nor waiting: the common case, no name built
            }
        }
        Copying cp = copying.get(key(rc.table().schema(), rc.table().table()));
        if (cp == null) {
            if (passedOver(rc.table().schema(), rc.table().table())) {
                passedOver.add(key(rc.table().schema(), rc.table().table()));
                return List.of();
            }
            return List.of(rc);
        }
        if (cp.upto() == null || !cp.chunked()) {
            return List.of();
        }
        int[] keyCols = keyColumns(rc.table(), cp.key());
        List<RowChange> out = new ArrayList<>();
        for (RowChange.Row row : rc.rows()) {
            RowChange.Kind kind = rc.kind();
            RowChange.Row kept = null;
            if (kind == RowChange.Kind.INSERT) {
                kept = copied(rc.table(), keyCols, row.after(), null, cp.upto()) ? row : null;
            } else if (kind == RowChange.Kind.DELETE) {
                kept = copied(rc.table(), keyCols, row.before(), null, cp.upto()) ? row : null;
            } else {
                boolean before = copied(rc.table(), keyCols, row.before(), null, cp.upto());
                boolean after = copied(rc.table(), keyCols, row.after(), row.before(), cp.upto());
                if (before && after) {
                    kept = row;
                } else if (before) {
                    kind = RowChange.Kind.DELETE;
                    kept = new RowChange.Row(row.before(), null);
                } else if (after) {
                    for (int i = 0; i < rc.table().columns().size(); i++) {
                        if (!row.after().isPresent(i)) {
                            throw new IllegalStateException("an UPDATE moved a row of " + rc.table().qualifiedName()
                                    + " into the part already copied by provisioning run " + cp.run() + ", but its after image"
                                    + " holds only the changed columns (row-images: minimal): the whole row cannot be written."
                                    + " Provision the table again (qrepl provision --tables " + rc.table().qualifiedName()
                                    + " --force), with sources[].row-images: full while it is copied");
                        }
                    }
                    kind = RowChange.Kind.INSERT;
                    kept = new RowChange.Row(null, row.after());
                }
            }
            if (kept == null) {
                continue;
            }
            RowChange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.kind() == kind && last.foreignKeyChecks() == rc.foreignKeyChecks()) {
                List<RowChange.Row> rows = new ArrayList<>(last.rows());
                rows.add(kept);
                out.set(out.size() - 1, new RowChange(kind, rc.table(), rows, rc.foreignKeyChecks()));
            } else {
                out.add(new RowChange(kind, rc.table(), List.of(kept), rc.foreignKeyChecks()));
            }
        }
        return out;
    }

    /** For {@code qrepl status}: each table of the provisioning runs and its state. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        new java.util.TreeMap<>(states).forEach((t, s) -> m.put(t.isEmpty() ? "sink.provision" : "sink.provision." + t, s));
        refreshPending();
        if (pending != null) {
            m.put("sink.provision-pending", pendingRun);
        }
        return m;
    }

    /** True when the image's key is at or below the bound; {@code fallback} supplies key columns the image leaves out. */
    private static boolean copied(TableDef t, int[] keyCols, RowImage image, RowImage fallback, List<BigInteger> upto) {
        for (int i = 0; i < keyCols.length; i++) {
            int col = keyCols[i];
            RowImage from = image.isPresent(col) || fallback == null ? image : fallback;
            Object v = from.value(col);
            if (!(v instanceof Long l)) {
                throw new IllegalStateException("a row of " + t.qualifiedName() + " being provisioned has no integer value for"
                        + " its key column " + t.columns().get(col).name() + " (" + v + ")");
            }
            ColumnDef def = t.columns().get(col);
            BigInteger value = def.unsigned() && l < 0 ? new BigInteger(Long.toUnsignedString(l)) : BigInteger.valueOf(l);
            int cmp = value.compareTo(upto.get(i));
            if (cmp != 0) {
                return cmp < 0;
            }
        }
        return true; // equal to the bound: the bound's row is in the copied part
    }

    private static int[] keyColumns(TableDef t, List<String> key) {
        int[] cols = new int[key.size()];
        for (int i = 0; i < key.size(); i++) {
            cols[i] = -1;
            for (int c = 0; c < t.columns().size(); c++) {
                String n = t.columns().get(c).name();
                if (n != null && n.equalsIgnoreCase(key.get(i))) {
                    cols[i] = c;
                }
            }
            if (cols[i] < 0) {
                throw new IllegalStateException("rows of " + t.qualifiedName() + ", being provisioned, lack its key column "
                        + key.get(i) + " (changed by DDL since the copy began?): provision it again");
            }
        }
        return cols;
    }

    private static List<BigInteger> bound(List<String> encoded) {
        List<BigInteger> b = new ArrayList<>();
        for (String v : encoded) {
            b.add(new java.math.BigDecimal(v.substring(2)).toBigIntegerExact());
        }
        return b;
    }

    private void write(Connection c, String schemaName, String tableName, String run, String state, List<String> key,
                       boolean chunked, String upto, long rows, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("REPLACE INTO " + table() + " (stream, schema_name, table_name, run,"
                + " state, key_columns, chunked, copied_upto, copied_rows, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, stream);
            ps.setString(2, schemaName);
            ps.setString(3, tableName);
            ps.setString(4, run);
            ps.setString(5, state);
            ps.setString(6, VerifyKeys.join(key));
            ps.setBoolean(7, chunked);
            ps.setString(8, upto);
            ps.setLong(9, rows);
            ps.setString(10, detail);
            ps.executeUpdate();
        }
    }

    private static String describe(String state, long rows, String detail) {
        return state.equals("refused") ? detail : state.equals("stale") ? "stale, " + detail : state + " " + rows + " rows";
    }

    private static String key(String schemaName, String tableName) {
        return (schemaName + "." + tableName).toLowerCase(Locale.ROOT);
    }
}
