package io.qreplicator.source.assemble;

import com.github.shyiko.mysql.binlog.event.*;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.source.binlog.BinlogEventDeserializers;
import io.qreplicator.source.binlog.RowsEventFlags;
import io.qreplicator.source.binlog.GtidState;
import io.qreplicator.source.binlog.RowImages;
import io.qreplicator.source.binlog.SessionQueryDeserializer;
import io.qreplicator.source.binlog.TableDefs;
import io.qreplicator.source.binlog.UnsupportedEventException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Assembles binlog events into whole transactions and hands each one, with the position right
 * after it, to a consumer (the spool writer).
 *
 * <p>Invariant: a transaction is the whole event group the primary logged, and ends only where
 * that group ends. A group starts at a GTID event (MariaDB GTID, MySQL GTID or anonymous GTID); where
 * it ends is said by the group itself, never guessed from the statements inside it:
 * <ul>
 * <li>MariaDB: the GTID event's flags. A group flagged standalone is one statement (DDL) and ends
 *     with it; any other group (DML, CREATE TABLE ... SELECT, a transaction holding SAVEPOINTs or
 *     statements on non-transactional tables) ends at its XID or its QUERY "COMMIT"/"ROLLBACK". A
 *     GTID-aware client gets no BEGIN event from MariaDB, so a BEGIN cannot be what opens it.</li>
 * <li>MySQL and servers without GTIDs: a QUERY "BEGIN" after the GTID event opens the group, which
 *     then ends at XID or COMMIT/ROLLBACK; MySQL 8's atomic CREATE TABLE ... SELECT opens it with its
 *     own statement (logged ending in START TRANSACTION). Otherwise the single statement that follows
 *     the GTID event is the group.</li>
 * </ul>
 * Statements inside a group (SAVEPOINT, ROLLBACK TO SAVEPOINT, the CREATE of CREATE ... SELECT) stay
 * in the transaction in their place. Only at a group's end is a {@link SourcePosition} produced, so
 * every position the rest of the system sees is a transaction boundary. Nothing that was read but
 * not completed is ever emitted: the assembler is created anew for every connection, and a partial
 * transaction dies with the connection it came from.
 *
 * <p>Savepoints: MariaDB removes the rows a ROLLBACK TO SAVEPOINT undid from the group, and logs the
 * ROLLBACK TO itself only when the group kept rows it undid (when non-transactional tables were
 * written in between). The savepoint statements are therefore kept, in place, only in a group that
 * holds a ROLLBACK TO, where the standby must replay them to undo the same rows; elsewhere they would
 * change nothing.
 *
 * <p>A group that ends in a QUERY "ROLLBACK" was rolled back on the primary (MariaDB logs one when
 * the transaction dropped a temporary table): it is framed by a savepoint and a ROLLBACK TO it, which
 * the sink runs as it runs the application's own; {@link RolledBackGroup} owns that frame. A group
 * handed out in parts sets the savepoint in its first part, before its end is known.
 *
 * <p>As they are read, changes are filtered, sensitive columns dropped or masked, and row images cut
 * to what the sink needs ({@link StreamShaping}): nothing left out ever reaches the spool.
 *
 * <p>A transaction larger than the chunk size, or of more than {@link #PART_ROWS} rows, is handed
 * out in parts as it is read (see
 * {@link Transaction}): a part that is not the last carries the boundary before the transaction.
 *
 * <p>Filtered-out changes leave a transaction with no changes; it is still emitted, so that its
 * position is spooled and the standby's checkpoint moves with the primary.
 */
public final class TransactionAssembler {
    /** MariaDB GTID flags of the groups of a two-phase XA transaction (log_event.h: FL_PREPARED_XA, FL_COMPLETED_XA). */
    private static final int FL_PREPARED_XA = 64;
    private static final int FL_COMPLETED_XA = 128;

    /** Stands in for the definition of a table whose rows are filtered out. */
    private static final TableDef FILTERED_OUT = new TableDef("", "", List.of(), new int[0]);

    private final Consumer<Transaction> out;
    private final ChangeFilter filter;
    private final ColumnMasker masker;
    private final RowShaper shaper;
    private final GtidState gtids;
    private final TableDefs tableDefs;
    private final Map<Long, TableDef> tablesInTx = new HashMap<>();

    private final long chunkBytes;
    private String binlogFile;
    private SourcePosition lastBoundary;
    private int part;
    private long bytesSinceFlush;
    /**
     * Rows a part holds at most, whatever their bytes. Decoded, a row costs its agent 150 to 250
     * bytes of objects beyond its values: 8 MiB of a narrow table's rows (an INT and a short string,
     * about 20 binlog bytes each) are 400,000 rows and some 80 MB on the sink's heap, and a statement
     * of millions of such rows (a MyISAM INSERT ... SELECT) ran the packaged 256 MiB heap out.
     */
    static final int PART_ROWS = 65_536;
    private int rowsSinceFlush;
    private boolean inTx;
    /** The group ends at XID / COMMIT / ROLLBACK, not with its next statement. */
    private boolean openGroup;
    private boolean rollbackToSavepoint;
    /** In an XA group: its changes are held whole (never handed out in parts before its commit). */
    private boolean xaGroup;
    private String xaId;
    private PreparedXa preparedXa = new PreparedXa();
    private int savepoints;
    private String gtid = "";
    private long binlogBytes;
    private List<Change> changes = new ArrayList<>();
    private java.util.function.BiConsumer<String, String> schemaStatement = (database, sql) -> { };
    /** Per table, the first row the group inserted with foreign_key_checks=0 and unique_checks=0 (unmasked). */
    private final Map<String, RelaxedInsert> relaxedInserts = new java.util.LinkedHashMap<>();
    private Consumer<List<RelaxedInsert>> relaxedInsertsSeen = r -> { };

    /**
     * The first row a committed group inserted into a table with foreign_key_checks=0 and unique_checks=0,
     * as the binlog has it (before any masking).
     */
    public record RelaxedInsert(String gtid, TableDef table, RowImage row) {
    }

    /**
     * @param from       the transaction boundary the stream starts at
     * @param chunkBytes a transaction holding more binlog bytes of row events than this (or more
     *                   than {@link #PART_ROWS} rows) is handed out in parts of about this size, so
     *                   that none is ever held whole in memory
     */
    public TransactionAssembler(SourcePosition from, GtidState gtids, StreamShaping shaping, TableDefs tableDefs,
                                long chunkBytes, Consumer<Transaction> out) {
        this.binlogFile = from.binlogFile();
        this.lastBoundary = from;
        this.chunkBytes = chunkBytes;
        this.gtids = gtids;
        this.filter = shaping.filter();
        this.masker = shaping.masker();
        this.shaper = shaping.shaper();
        this.tableDefs = tableDefs;
        this.out = out;
    }

    public String binlogFile() {
        return binlogFile;
    }

    /** Has XA transactions prepared on this stream held in {@code xa}, which outlives this assembler (a connection). */
    public TransactionAssembler holdingPreparedXa(PreparedXa xa) {
        this.preparedXa = xa;
        return this;
    }

    /**
     * Calls {@code seen} with the default database and text (without a SET STATEMENT prefix) of every DDL
     * or trigger statement read, kept by the filters or not, before the transaction holding it is
     * handed out: what follows that transaction may meet a changed schema.
     */
    public TransactionAssembler onSchemaStatement(java.util.function.BiConsumer<String, String> seen) {
        this.schemaStatement = seen;
        return this;
    }

    /**
     * Calls {@code seen}, after a group is handed out, with the first row it inserted into each table
     * with both foreign_key_checks and unique_checks off ({@code BulkInsertCheck} looks for it on the
     * primary). Not for a group that ended in ROLLBACK.
     */
    public TransactionAssembler onRelaxedInserts(Consumer<List<RelaxedInsert>> seen) {
        this.relaxedInsertsSeen = seen;
        return this;
    }

    /** The GTID of the transaction being read, empty between transactions (or without GTIDs). */
    public String gtid() {
        return gtid;
    }

    public boolean inTransaction() {
        return inTx;
    }

    public void accept(Event event) {
        accept(event, ((EventHeaderV4) event.getHeader()).getNextPosition());
    }

    private void accept(Event event, long nextPosition) {
        EventHeaderV4 h = event.getHeader();
        EventData data = EventDeserializer.EventDataWrapper.internal(event.getData()); // TABLE_MAP may come wrapped
        if (inTx) {
            binlogBytes += h.getEventLength();
        }
        switch (h.getEventType()) {
            case ROTATE -> binlogFile = ((RotateEventData) data).getBinlogFilename();
            case MARIADB_GTID -> {
                MariadbGtidEventData g = (MariadbGtidEventData) data;
                begin(g.getDomainId() + "-" + h.getServerId() + "-" + g.getSequence(), h);
                openGroup = (g.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0;
                xaGroup = (g.getFlags() & (FL_PREPARED_XA | FL_COMPLETED_XA)) != 0;
            }
            case GTID -> begin(((GtidEventData) data).getMySqlGtid().toString(), h);
            case ANONYMOUS_GTID -> begin("", h);
            case QUERY -> query((QueryEventData) data, h, nextPosition);
            case TABLE_MAP -> {
                TableMapEventData tm = (TableMapEventData) data;
                // a filtered-out table is never described: that could need a schema lookup on the primary
                tablesInTx.put(tm.getTableId(), filter.keepRows(tm.getDatabase(), tm.getTable())
                        ? tableDefs.of(tm, binlogFile, nextPosition) : FILTERED_OUT);
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData w = (WriteRowsEventData) data;
                TableDef t = table(w.getTableId());
                if (t != FILTERED_OUT) {
                    List<RowChange.Row> rows = new ArrayList<>(w.getRows().size());
                    for (Serializable[] r : w.getRows()) {
                        rows.add(new RowChange.Row(null, masker.apply(t, RowImages.of(t, w.getIncludedColumns(), r))));
                    }
                    if (!RowsEventFlags.foreignKeyChecks(w) && !RowsEventFlags.uniqueChecks(w) && !w.getRows().isEmpty()
                            && !masker.hasRulesFor(t.schema(), t.table())) { // a table with column rules is not verified
                        relaxedInserts.computeIfAbsent(t.qualifiedName(),
                                n -> new RelaxedInsert("", t, RowImages.of(t, w.getIncludedColumns(), w.getRows().get(0))));
                    }
                    changes.add(new RowChange(RowChange.Kind.INSERT, t, rows, RowsEventFlags.foreignKeyChecks(w)));
                    flushIfLarge(h, rows.size());
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData u = (UpdateRowsEventData) data;
                TableDef t = table(u.getTableId());
                if (t != FILTERED_OUT) {
                    BitSet before = u.getIncludedColumnsBeforeUpdate();
                    BitSet after = u.getIncludedColumns();
                    List<RowChange.Row> rows = new ArrayList<>(u.getRows().size());
                    for (Map.Entry<Serializable[], Serializable[]> r : u.getRows()) {
                        RowImage b = masker.apply(t, RowImages.of(t, before, r.getKey()));
                        RowImage a = masker.apply(t, RowImages.of(t, after, r.getValue()));
                        RowChange.Row row = shaper.update(t, b, a);
                        if (row != null) {
                            rows.add(row);
                        }
                    }
                    if (!rows.isEmpty()) {
                        changes.add(new RowChange(RowChange.Kind.UPDATE, t, rows, RowsEventFlags.foreignKeyChecks(u)));
                        flushIfLarge(h, rows.size());
                    }
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData d = (DeleteRowsEventData) data;
                TableDef t = table(d.getTableId());
                if (t != FILTERED_OUT) {
                    List<RowChange.Row> rows = new ArrayList<>(d.getRows().size());
                    for (Serializable[] r : d.getRows()) {
                        rows.add(new RowChange.Row(shaper.delete(t, masker.apply(t, RowImages.of(t, d.getIncludedColumns(), r))), null));
                    }
                    changes.add(new RowChange(RowChange.Kind.DELETE, t, rows, RowsEventFlags.foreignKeyChecks(d)));
                    flushIfLarge(h, rows.size());
                }
            }
            case XID -> commit(h, nextPosition);
            case TRANSACTION_PAYLOAD -> {
                Iterable<Event> events = data instanceof BinlogEventDeserializers.StreamedPayload streamed
                        ? streamed.events() : ((TransactionPayloadEventData) data).getUncompressedEvents();
                for (Event inner : events) { // decoded one at a time: a large payload goes on in parts as it is read
                    accept(inner, nextPosition);
                }
            }
            case XA_PREPARE -> {
                if (xaId == null) {
                    throw new UnsupportedEventException("an XA PREPARE event without the XA END that names its transaction");
                }
                if (savepoints > 0 && !rollbackToSavepoint) {
                    changes.removeIf(TransactionAssembler::isSavepoint);
                }
                preparedXa.prepare(xaId, changes); // held until its XA COMMIT; this group spools as an empty transaction
                changes = new ArrayList<>();
                commit(h, nextPosition);
            }
            case INCIDENT -> throw new UnsupportedEventException("the primary logged an INCIDENT event at " + binlogFile
                    + ":" + h.getPosition() + " (changes were lost from its binlog): the standby must be re-seeded (docs/seeding.md)");
            case UNKNOWN -> throw new UnsupportedEventException("binlog event of an unknown type at " + binlogFile + ":"
                    + h.getPosition() + ". If the primary runs with log_bin_compress=ON, turn it off"
                    + " (SET GLOBAL log_bin_compress=OFF): compressed binlog events are not supported");
            case PRE_GA_WRITE_ROWS, PRE_GA_UPDATE_ROWS, PRE_GA_DELETE_ROWS, PARTIAL_UPDATE_ROWS_EVENT ->
                    throw new UnsupportedEventException(h.getEventType() + " events are not supported (at "
                            + binlogFile + ":" + h.getPosition() + "); for MySQL set binlog_row_value_options=''");
            default -> {
                // FORMAT_DESCRIPTION, GTID lists, checkpoints, heartbeats, annotations: nothing to do
            }
        }
    }

    /** An XA statement: see {@link PreparedXa}. */
    private void xa(String sql, EventHeaderV4 h, long nextPosition) {
        PreparedXa.Statement xa = PreparedXa.Statement.parse(sql);
        if (xa == null) {
            throw new UnsupportedEventException("an XA statement the source cannot read: " + abbreviate(sql));
        }
        switch (xa.verb()) {
            case "START" -> { // MySQL opens the group with it; MariaDB's GTID event says so
                openGroup = true;
                xaGroup = true;
            }
            case "END" -> xaId = xa.xid();
            case "COMMIT" -> {
                if (!xa.onePhase()) {
                    List<Change> held = preparedXa.end(xa.xid());
                    if (held == null) {
                        throw new UnsupportedEventException("XA COMMIT " + xa.xid() + " ends an XA transaction whose XA PREPARE"
                                + " this source did not read: it was prepared before the source last started, and its rows"
                                + " are not in the spool. The source stopped rather than skip them; re-seed the standby (docs/seeding.md)"
                                + " (or the tables that transaction wrote)");
                    }
                    changes.addAll(0, held);
                }
                commit(h, nextPosition);
            }
            case "ROLLBACK" -> {
                preparedXa.end(xa.xid()); // whether or not this source read its prepare, nothing of it reaches the standby
                // MySQL logs an unprepared branch that wrote a non-transactional table, rows and all, ending in XA ROLLBACK:
                // the standby undoes what the primary undid of it, as for a group ending in ROLLBACK
                rolledBack();
                commit(h, nextPosition);
            }
            default -> throw new UnsupportedEventException("XA " + xa.verb() + " logged as a statement: " + abbreviate(sql));
        }
    }

    /**
     * Hands out what the transaction holds so far as a part, when it has grown past the chunk size
     * in binlog bytes or past {@link #PART_ROWS} rows, after a rows event of {@code rows} rows.
     */
    private void flushIfLarge(EventHeaderV4 h, int rows) {
        bytesSinceFlush += h.getEventLength();
        rowsSinceFlush += rows;
        if (bytesSinceFlush < chunkBytes && rowsSinceFlush < PART_ROWS || changes.isEmpty() || xaGroup) {
            return;
        }
        if (part == 0) {
            // the group may yet end in ROLLBACK (rolledBack): the savepoint goes first, before anything is sent
            changes.add(0, RolledBackGroup.savepoint());
        }
        // a part names its transaction (gtid) but stands at the boundary before it (state, file, pos)
        SourcePosition before = new SourcePosition(gtid, lastBoundary.gtidState(), lastBoundary.binlogFile(),
                lastBoundary.binlogPosition());
        out.accept(new Transaction(0, before, h.getTimestamp(), h.getServerId(), binlogBytes, changes, part++, false));
        changes = new ArrayList<>();
        binlogBytes = 0;
        bytesSinceFlush = 0;
        rowsSinceFlush = 0;
    }

    private TableDef table(long tableId) {
        TableDef t = tablesInTx.get(tableId);
        if (t == null) {
            throw new UnsupportedEventException("rows event for table id " + tableId + " without its TABLE_MAP in "
                    + binlogFile + ": the stream did not start at a transaction boundary");
        }
        return t;
    }

    private void begin(String newGtid, EventHeaderV4 h) {
        reset();
        inTx = true;
        gtid = newGtid;
        binlogBytes = h.getEventLength();
    }

    private void query(QueryEventData q, EventHeaderV4 h, long nextPosition) {
        if (q instanceof SessionQueryDeserializer.SessionQueryEventData sq && (sq.status().startAlter() || sq.status().rollbackAlter())) {
            // MariaDB's binlog_alter_two_phase logs an ALTER when it starts and again, with the same text, when it commits
            // or rolls back. The standby runs it once, at its commit: its start changes nothing yet (it may still fail or be
            // killed on the primary), its rollback nothing at all. Their groups pass with their positions and nothing in them.
            if (!openGroup) {
                commit(h, nextPosition);
            }
            return;
        }
        String sql = q.getSql();
        StatementKind kind = StatementKind.of(sql);
        switch (kind) {
            case BEGIN -> openGroup = true;
            case COMMIT -> commit(h, nextPosition);
            case ROLLBACK -> {
                rolledBack();
                commit(h, nextPosition);
            }
            case SAVEPOINT -> {
                if (openGroup) { // outside a group (never logged so) it would have nothing to act on
                    rollbackToSavepoint |= StatementKind.isRollbackToSavepoint(sql);
                    savepoints++;
                    changes.add(new Statement(q.getDatabase() == null ? "" : q.getDatabase(), sql));
                }
            }
            case XA -> xa(sql, h, nextPosition);
            case STATEMENT_DML -> throw new UnsupportedEventException("the binlog holds a statement-based change at "
                    + binlogFile + ":" + h.getPosition() + " (" + abbreviate(q.getSql()) + "). Qreplicator needs"
                    + " binlog_format=ROW for every session: SET GLOBAL binlog_format=ROW, set it in my.cnf, and"
                    + " restart the applications' connections. If the format already is ROW, the server logged this"
                    + " statement as a statement by itself (MariaDB does so for system-versioned tables whose history"
                    + " is kept by transaction id): such a table cannot be replicated; exclude it (filters.exclude)");
            default -> {
                if (StatementKind.opensMysqlAtomicDdl(sql)) { // MySQL 8: CREATE TABLE ... SELECT, its rows follow
                    openGroup = true;
                    sql = StatementKind.withoutMysqlAtomicDdlSuffix(sql);
                }
                String body = StatementKind.body(sql); // what it does, without a SET STATEMENT ... FOR prefix
                if (kind == StatementKind.DDL) {
                    tableDefs.afterDdl(q.getDatabase(), body); // whatever the filters say: rows may still follow
                }
                if (kind == StatementKind.DDL || kind == StatementKind.TRIGGER) {
                    schemaStatement.accept(q.getDatabase(), body);
                }
                if (filter.keepStatement(q.getDatabase(), body, kind)) {
                    if (q instanceof SessionQueryDeserializer.SessionQueryEventData sq && sq.undecodable() != null) {
                        throw new UnsupportedEventException("the statement at " + binlogFile + ":" + h.getPosition() + " ("
                                + abbreviate(sql) + ") cannot be replayed: " + sq.undecodable());
                    }
                    changes.add(new Statement(q.getDatabase() == null ? "" : q.getDatabase(), sql, session(q, h),
                            q.getErrorCode()));
                }
                if (!openGroup) {
                    commit(h, nextPosition);
                }
            }
        }
    }

    /**
     * The group ends in ROLLBACK: frames its changes ({@link RolledBackGroup}), so that the standby
     * undoes what its engines can, as the primary did. A first part handed out already set the
     * savepoint ({@link #flushIfLarge}).
     */
    private void rolledBack() {
        relaxedInserts.clear(); // the primary took them back itself, and the standby does the same
        if (part == 0 && changes.stream().allMatch(TransactionAssembler::isSavepoint)) {
            changes.clear(); // nothing the standby would write: only the position moves
            savepoints = 0;
            return;
        }
        if (part == 0) {
            changes.add(0, RolledBackGroup.savepoint());
        }
        changes.add(RolledBackGroup.rollbackTo());
        rollbackToSavepoint = true; // the group's own savepoints stay too, in their places
        savepoints++;
    }

    private void commit(EventHeaderV4 h, long nextPosition) {
        if (!inTx) {
            // a statement outside any GTID group (old servers, or the stream began mid-group): treat it alone
            inTx = true;
        }
        if (savepoints > 0 && !rollbackToSavepoint) {
            changes.removeIf(TransactionAssembler::isSavepoint);
        }
        String state = gtids.commit(gtid);
        SourcePosition pos = new SourcePosition(gtid, state, binlogFile, nextPosition);
        Transaction tx = new Transaction(0, pos, h.getTimestamp(), h.getServerId(), binlogBytes, changes, part, true);
        lastBoundary = pos;
        // an XA group's rows are read at its PREPARE, before they commit: not looked up
        List<RelaxedInsert> relaxed = relaxedInserts.isEmpty() || xaGroup ? List.of()
                : relaxedInserts.values().stream().map(r -> new RelaxedInsert(pos.gtid(), r.table(), r.row())).toList();
        reset();
        out.accept(tx);
        if (!relaxed.isEmpty()) {
            relaxedInsertsSeen.accept(relaxed);
        }
    }

    private void reset() {
        inTx = false;
        part = 0;
        bytesSinceFlush = 0;
        rowsSinceFlush = 0;
        openGroup = false;
        xaGroup = false;
        xaId = null;
        rollbackToSavepoint = false;
        savepoints = 0;
        gtid = "";
        binlogBytes = 0;
        changes = new ArrayList<>();
        tablesInTx.clear();
        relaxedInserts.clear();
    }

    /** The session the statement ran in, when the event says ({@link StatementSession}). */
    private Map<String, String> session(QueryEventData q, EventHeaderV4 h) {
        return q instanceof SessionQueryDeserializer.SessionQueryEventData sq
                ? StatementSession.of(sq.status(), h.getTimestamp(), gtids.mariadb(), binlogFile + ":" + h.getPosition(),
                        io.qreplicator.core.sql.StatementKind.of(q.getSql()) == io.qreplicator.core.sql.StatementKind.ACCOUNT)
                : Map.of();
    }

    private static boolean isSavepoint(Change c) {
        return c instanceof Statement s && StatementKind.of(s.sql()) == StatementKind.SAVEPOINT;
    }

    private static String abbreviate(String sql) {
        return sql.length() > 120 ? sql.substring(0, 120) + "..." : sql;
    }
}
