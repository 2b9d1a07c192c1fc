package io.qreplicator.cli.failover;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.Change;
import io.qreplicator.source.fencing.PrimaryFence;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Temporals;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.GtidSets;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.sql.SqlModes;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.assemble.StreamShaping;
import io.qreplicator.source.binlog.BinlogStream;
import io.qreplicator.source.binlog.ClientCharsets;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transactions an old primary committed that never reached the standby promoted in its place:
 * its binlog read from the standby's GTID position (where the promoted standby stopped) to its own
 * end, through the same binlog reader and filters as the source agent, so that each transaction is
 * listed with its GTID, commit time and row changes (before and after images). Rendered as JSON,
 * for reconciliation tools, and as SQL that would replay each on the new primary, for review.
 *
 * <p>Transactions that only wrote the agents' own tables (the source's heartbeat row, role rows of
 * a switchover or rejoin, and their creation), and a sink's applies (they write its checkpoint), are
 * counted apart as the agents' writes: they are not the application's. Transactions whose changes the source's filters drop (tables not replicated) are
 * counted too, not listed.
 */
public final class LossReport {
    /** Replication server id offset: the report's binlog connection must not evict the source agent's. */
    static final long SERVER_ID_BASE = 4_000_000_000L;

    /** No schema history here: binlog_row_metadata=FULL names every column, which {@link #read} checks first. */
    private static final io.qreplicator.source.binlog.TableShapeSource NAMED_BY_THE_BINLOG = new io.qreplicator.source.binlog.TableShapeSource() {
        @Override
        public io.qreplicator.core.schema.TableShape shape(String schema, String table, int[] binlogTypes, String binlogFile,
                                                          long nextPosition) {
            return null;
        }

        @Override
        public void afterDdl(String database, String sql) {
        }

        @Override
        public long generation() {
            return 0;
        }
    };

    private LossReport() {
    }

    /**
     * One lost transaction.
     *
     * @param gtid       its GTID on the old primary
     * @param commitMillis its commit time there
     * @param changes    its row changes, in order
     */
    public record Lost(String gtid, long commitMillis, List<Change> changes) {
        public List<RowChange> rowChanges() {
            return changes.stream().filter(c -> c instanceof RowChange).map(c -> (RowChange) c).toList();
        }
    }

    /**
     * @param from          the position the report starts after (the promoted standby's)
     * @param to            the old primary's GTID position at the time of the report
     * @param lost          the application's lost transactions
     * @param heartbeats    lost transactions that only wrote the source's heartbeat row
     * @param filteredOut   lost transactions that wrote only tables the source does not replicate
     */
    public record Result(String from, String to, List<Lost> lost, int heartbeats, int filteredOut) {
    }

    /** Reads the old primary's binlog from {@code fromGtid} to its current end, within {@code timeout}. */
    public static Result read(NodeConfig oldPrimary, SourceConfig src, String fromGtid, Duration timeout) throws Exception {
        return read(oldPrimary, src, fromGtid, timeout, List.of());
    }

    /**
     * As above; a transaction that writes one of {@code sinkTables} ({@code schema.table}: the sinks'
     * checkpoint and provisioning tables) is a sink's apply, not the application's (a sink of the other
     * direction applying to this server), and is counted with the agents' own writes.
     */
    public static Result read(NodeConfig oldPrimary, SourceConfig src, String fromGtid, Duration timeout,
                              java.util.Collection<String> sinkTables) throws Exception {
        java.util.Set<String> sinkOwn = new java.util.HashSet<>();
        sinkTables.forEach(t -> sinkOwn.add(t.toLowerCase(java.util.Locale.ROOT)));
        if (oldPrimary.flavor() == NodeConfig.Flavor.MYSQL) {
            throw new IllegalArgumentException("the loss report reads MariaDB GTID positions only in this release; on MySQL,"
                    + " list the old primary's transactions after the new primary's gtid_executed with mysqlbinlog"
                    + " --exclude-gtids");
        }
        String end;
        ClientCharsets charsets;
        try (Connection c = PrimaryFence.connect(oldPrimary, Duration.ofSeconds(5)); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos, @@binlog_row_metadata")) {
                rs.next();
                end = rs.getString(1);
                if (!"FULL".equalsIgnoreCase(rs.getString(2))) {
                    throw new IllegalArgumentException("the old primary " + oldPrimary.address() + " logs binlog_row_metadata="
                            + rs.getString(2) + ": its row events do not name their columns, so the report could not name"
                            + " them either. Run the report with binlog_row_metadata=FULL set on the old primary (SET GLOBAL"
                            + " takes effect for new binlog files only: FLUSH BINARY LOGS does not help the old ones); or"
                            + " read them with mariadb-binlog --start-position=" + fromGtid + " -vv");
                }
            }
            charsets = ClientCharsets.load(c);
        }
        List<Lost> lost = new ArrayList<>();
        int[] heartbeats = {0};
        int[] filtered = {0};
        if (GtidSets.missing(fromGtid, end) == 0) {
            return new Result(fromGtid, end, lost, 0, 0);
        }
        String heartbeatTable = src.heartbeat().schema() + "." + src.heartbeat().table();
        // the source's table filters, but every column and whole row images: the report is exact, not what was shipped
        StreamShaping shaping = new StreamShaping(new io.qreplicator.source.assemble.ChangeFilter(src.filters(), heartbeatTable),
                new io.qreplicator.source.assemble.ColumnMasker(io.qreplicator.source.FilterConfig.DEFAULTS),
                new io.qreplicator.source.assemble.RowShaper(io.qreplicator.source.assemble.RowShaper.Mode.FULL));
        AtomicReference<SourcePosition> at = new AtomicReference<>(new SourcePosition("", fromGtid, "", 0));
        CountDownLatch done = new CountDownLatch(1);
        List<Change> parts = new ArrayList<>();
        BinlogStream.Settings s = new BinlogStream.Settings(oldPrimary, SERVER_ID_BASE + src.serverId() % 100_000_000L,
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5), 8L << 20, charsets);
        BinlogStream stream = new BinlogStream(s, true, shaping, NAMED_BY_THE_BINLOG, at::get, tx -> {
            if (done.getCount() == 0) {
                return;
            }
            parts.addAll(tx.changes());
            if (!tx.last()) {
                return; // the rest of a large transaction comes in its next parts
            }
            // as the old primary left it: a group it rolled back kept nothing, a group in parts has no frame
            List<Change> changes = List.copyOf(io.qreplicator.source.assemble.RolledBackGroup.keptOnMariadb(parts));
            parts.clear();
            at.set(tx.position());
            if (!tx.position().gtid().isEmpty()) {
                classify(tx, changes, heartbeatTable, sinkOwn, lost, heartbeats, filtered);
            }
            if (GtidSets.missing(tx.position().gtidState(), end) == 0) {
                done.countDown();
            }
        });
        stream.onFailure(done::countDown);
        stream.start();
        try {
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the old primary's binlog was not read to its end (" + end + ") within "
                        + timeout.toSeconds() + " s; reached " + at.get().gtidState() + (stream.error().message() == null
                        || stream.error().message().isEmpty() ? "" : "; last error: " + stream.error().message()));
            }
            if (stream.failure() != null) {
                throw new IllegalStateException("reading the old primary's binlog failed: " + stream.failure().getMessage(),
                        stream.failure());
            }
        } finally {
            stream.requestStop();
            stream.awaitStop(Duration.ofSeconds(10));
        }
        return new Result(fromGtid, end, lost, heartbeats[0], filtered[0]);
    }

    private static String agentSchema(String heartbeatTable) {
        return heartbeatTable.substring(0, heartbeatTable.indexOf('.'));
    }

    private static void classify(Transaction tx, List<Change> changes, String heartbeatTable, java.util.Set<String> sinkOwn,
                                 List<Lost> lost, int[] heartbeats, int[] filtered) {
        List<Change> kept = new ArrayList<>();
        boolean onlyHeartbeat = true;
        boolean sinkApply = false;
        for (Change ch : changes) {
            if (ch instanceof RowChange rc) {
                sinkApply |= sinkOwn.contains(rc.table().qualifiedName().toLowerCase(java.util.Locale.ROOT));
                if (!rc.table().namesKnown()) {
                    throw new IllegalStateException("transaction " + tx.position().gtid() + " changes "
                            + rc.table().qualifiedName() + " whose column names its binlog does not carry");
                }
                kept.add(rc);
                onlyHeartbeat &= rc.table().qualifiedName().equals(heartbeatTable)
                        || rc.table().qualifiedName().equals(agentSchema(heartbeatTable) + "." + io.qreplicator.core.role.SourceRoles.TABLE);
            } else if (ch instanceof io.qreplicator.core.model.Statement st) {
                kept.add(st); // DDL and other statements, replayed as they ran
                // the agents' own tables created where missing (heartbeat, roles): theirs, not the application's
                io.qreplicator.core.sql.DdlTargets targets = io.qreplicator.core.sql.DdlTargets.of(st.database(), st.sql());
                String schema = agentSchema(heartbeatTable).toLowerCase(java.util.Locale.ROOT);
                onlyHeartbeat &= !targets.all() && !targets.isEmpty()
                        && targets.schemas().stream().allMatch(x -> x.equalsIgnoreCase(schema))
                        && targets.tables().stream().allMatch(x -> x.toLowerCase(java.util.Locale.ROOT).startsWith(schema + "."));
            }
        }
        if (kept.isEmpty()) {
            filtered[0]++;
        } else if (onlyHeartbeat || sinkApply) {
            heartbeats[0]++;
        } else {
            lost.add(new Lost(tx.position().gtid(), tx.commitTimeMillis(), kept));
        }
    }

    /** The report as JSON-ready maps: values as numbers, text, or {@code 0x...} for bytes that are not text. */
    public static Map<String, Object> toMap(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from-gtid", r.from());
        m.put("old-primary-gtid", r.to());
        m.put("lost-transactions", r.lost().size());
        m.put("lost-heartbeats", r.heartbeats());
        m.put("not-replicated", r.filteredOut());
        List<Object> txs = new ArrayList<>();
        for (Lost l : r.lost()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("gtid", l.gtid());
            t.put("committed", Instant.ofEpochMilli(l.commitMillis()).toString());
            List<Object> rows = new ArrayList<>();
            for (Change ch : l.changes()) {
                if (ch instanceof io.qreplicator.core.model.Statement st) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("database", st.database());
                    x.put("statement", st.sql());
                    rows.add(x);
                    continue;
                }
                RowChange rc = (RowChange) ch;
                for (RowChange.Row row : rc.rows()) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("table", rc.table().qualifiedName());
                    x.put("op", rc.kind().name().toLowerCase());
                    if (row.before() != null) {
                        x.put("before", image(rc.table(), row.before()));
                    }
                    if (row.after() != null) {
                        x.put("after", image(rc.table(), row.after()));
                    }
                    rows.add(x);
                }
            }
            t.put("rows", rows);
            txs.add(t);
        }
        m.put("transactions", txs);
        return m;
    }

    private static Map<String, Object> image(TableDef t, RowImage img) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < t.columns().size(); i++) {
            if (img.isPresent(i)) {
                m.put(t.columns().get(i).name(), jsonValue(t.columns().get(i), img.value(i)));
            }
        }
        return m;
    }

    private static Object jsonValue(ColumnDef c, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            String text = utf8(b);
            return text != null ? text : "0x" + HexFormat.of().formatHex(b);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return switch (ColumnType.representation(c.type())) {
            case INTEGER -> ColumnType.exactInteger(c, (Long) v);
            case DATE -> Temporals.dateLiteral((Long) v);
            case TIME -> Temporals.timeLiteral((Long) v);
            case DATETIME -> Temporals.datetimeLiteral((Long) v);
            case TIMESTAMP -> Temporals.timestampLiteral((Long) v) + " UTC";
            default -> v;
        };
    }

    private static String utf8(byte[] b) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            return s.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Where {@link #save} wrote a report. */
    public record Saved(java.nio.file.Path json, java.nio.file.Path sql) {
    }

    /** Writes the report as {@code DIR/NAME.json} and {@code DIR/NAME.sql}. */
    public static Saved save(Result r, java.nio.file.Path dir, String name) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        Saved s = new Saved(dir.resolve(name + ".json"), dir.resolve(name + ".sql"));
        java.nio.file.Files.writeString(s.json(), io.qreplicator.cli.commands.Json.write(toMap(r)) + "\n");
        java.nio.file.Files.writeString(s.sql(), toSql(r));
        return s;
    }

    /**
     * SQL that would replay the lost transactions on the new primary, each in its own transaction,
     * for review before anyone runs it: a row may have changed there since. Values are exact
     * literals (bytes in hex, so that each column's own character set reads them; TIMESTAMPs in UTC,
     * hence the session time zone set first). UPDATE and DELETE name the row by its primary key when
     * the table has one, else by every column of its before-image.
     */
    public static String toSql(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("-- Transactions the old primary committed that the new primary does not hold\n")
                .append("-- (after GTID ").append(r.from()).append(", up to ").append(r.to()).append(").\n")
                .append("-- REVIEW BEFORE RUNNING: the new primary may have changed these rows since the failover.\n")
                .append("-- These are rows as the old primary wrote them, its triggers' rows included: on a new primary that\n")
                .append("-- has those triggers, they would write them again (docs/failover.md, \"Triggers\").\n")
                .append("SET time_zone = '+00:00', sql_mode = '").append(SqlModes.ROWS_AS_STORED).append("';\n");
        for (Lost l : r.lost()) {
            sb.append("\n-- GTID ").append(l.gtid()).append(", committed ").append(Instant.ofEpochMilli(l.commitMillis())).append('\n');
            sb.append("BEGIN;\n");
            for (Change ch : l.changes()) {
                if (ch instanceof io.qreplicator.core.model.Statement st) {
                    if (st.database() != null && !st.database().isEmpty()) {
                        sb.append("USE ").append(quote(st.database())).append(";\n");
                    }
                    sb.append(st.sql().strip()).append(";\n");
                    continue;
                }
                RowChange rc = (RowChange) ch;
                TableDef t = rc.table();
                String name = quote(t.schema()) + "." + quote(t.table());
                for (RowChange.Row row : rc.rows()) {
                    switch (rc.kind()) {
                        case INSERT -> sb.append("INSERT INTO ").append(name).append(" (").append(columns(t, row.after()))
                                .append(") VALUES (").append(values(t, row.after())).append(");\n");
                        case UPDATE -> sb.append("UPDATE ").append(name).append(" SET ").append(assignments(t, row.after()))
                                .append(" WHERE ").append(match(t, row.before())).append(" LIMIT 1;\n");
                        case DELETE -> sb.append("DELETE FROM ").append(name).append(" WHERE ").append(match(t, row.before()))
                                .append(" LIMIT 1;\n");
                    }
                }
            }
            sb.append("COMMIT;\n");
        }
        return sb.toString();
    }

    private static String columns(TableDef t, RowImage img) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            if (img.isPresent(i)) {
                out.add(quote(t.columns().get(i).name()));
            }
        }
        return String.join(", ", out);
    }

    private static String values(TableDef t, RowImage img) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            if (img.isPresent(i)) {
                out.add(literal(t.columns().get(i), img.value(i)));
            }
        }
        return String.join(", ", out);
    }

    private static String assignments(TableDef t, RowImage img) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            if (img.isPresent(i)) {
                out.add(quote(t.columns().get(i).name()) + " = " + literal(t.columns().get(i), img.value(i)));
            }
        }
        return String.join(", ", out);
    }

    private static String match(TableDef t, RowImage img) {
        List<String> out = new ArrayList<>();
        boolean byKey = t.hasPrimaryKey() && java.util.Arrays.stream(t.primaryKey()).allMatch(img::isPresent);
        // without a key, every column but FLOAT and DOUBLE ones, whose printed values need not compare equal
        boolean allApproximate = java.util.stream.IntStream.range(0, t.columns().size()).filter(img::isPresent)
                .allMatch(i -> approximate(t.columns().get(i)));
        for (int i = 0; i < t.columns().size(); i++) {
            final int col = i;
            if (!byKey && !allApproximate && approximate(t.columns().get(i))) {
                continue;
            }
            if (img.isPresent(i) && (!byKey || java.util.Arrays.stream(t.primaryKey()).anyMatch(k -> k == col))) {
                out.add(quote(t.columns().get(i).name()) + " <=> " + literal(t.columns().get(i), img.value(i)));
            }
        }
        return String.join(" AND ", out);
    }

    private static boolean approximate(ColumnDef c) {
        ColumnType.Representation r = ColumnType.representation(c.type());
        return r == ColumnType.Representation.FLOAT || r == ColumnType.Representation.DOUBLE;
    }

    static String literal(ColumnDef c, Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof byte[] b) {
            return b.length == 0 ? "''" : "X'" + HexFormat.of().formatHex(b) + "'";
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return switch (ColumnType.representation(c.type())) {
            case INTEGER -> c.type() == ColumnType.YEAR ? "'" + Temporals.yearLiteral((Long) v) + "'"
                    : ColumnType.exactInteger(c, (Long) v).toString();
            case FLOAT, DOUBLE -> v.toString();
            case DATE -> "'" + Temporals.dateLiteral((Long) v) + "'";
            case TIME -> "'" + Temporals.timeLiteral((Long) v) + "'";
            case DATETIME -> "'" + Temporals.datetimeLiteral((Long) v) + "'";
            case TIMESTAMP -> "'" + Temporals.timestampLiteral((Long) v) + "'";
            default -> "'" + v.toString().replace("\\", "\\\\").replace("'", "''") + "'";
        };
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
