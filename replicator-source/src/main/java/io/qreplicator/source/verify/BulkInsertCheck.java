package io.qreplicator.source.verify;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.sql.DriverErrors;
import io.qreplicator.core.verify.ChunkChecksum;
import io.qreplicator.core.verify.VerifyKeys;
import io.qreplicator.source.assemble.TransactionAssembler.RelaxedInsert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds rows the primary's binlog holds and its own table does not: what MariaDB's InnoDB leaves
 * when it takes back a transaction's inserts into an empty table.
 *
 * <p>Why: with {@code foreign_key_checks=0} and {@code unique_checks=0}, InnoDB (MariaDB 10.6 and
 * later, MDEV-24818) inserts a transaction's rows into an empty table in bulk, and when a later
 * statement of the same transaction fails (any error while it runs, on any table) it takes back
 * all of them, while the server rolls back only that statement: the transaction commits, the
 * binlog keeps the inserted rows, and the primary's table is empty. Every binlog reader, a native
 * replica too, then holds rows the primary has not. Seen in MariaDB 10.11.19 with
 * {@code innodb.insert_into_empty} of its own test suite. The binlog cannot tell such a
 * transaction from a good one: the failed statement is not logged.
 *
 * <p>So every committed group that inserted rows with both checks off (the rows events' flags;
 * bulk loaders, {@code mysqldump}'s output) is checked: the first row it inserted into each table is
 * looked up on the primary by its key. Found, the group's inserts stand. Not found (taken back, or
 * deleted since), its key is compared row by row on both sides at one point of the stream, as
 * {@code qrepl verify} compares ({@link VerifyRunner#runRows}), so a row deleted since is not a
 * difference; a row the standby has and the primary never kept is, and is reported as any verify
 * difference (the table's result {@code differs}, the {@code QreplicatorVerifyDiffers} alert,
 * {@code qrepl verify --tables T --repair} to take it away). A table whose key is not made of
 * integer columns (or that has none), or whose key changed since, is verified whole instead
 * (runs named {@link #TABLE_RUN_PREFIX}), at most once a minute, at the background pace.
 *
 * <p>Not checked: XA transactions (their rows are read at XA PREPARE, before they commit), tables
 * with column rules (not verified), MySQL primaries (no such bulk mode), and rows waiting here when
 * the source stops (kept in memory only).
 *
 * <p>Invariant: a group's rows are looked up only after the binlog holds its commit; and a
 * difference is only ever claimed by the comparison at one point of the stream, never by the lookup.
 */
public final class BulkInsertCheck {
    private static final Logger log = LoggerFactory.getLogger(BulkInsertCheck.class);
    /** Its runs of single keys are named so: their results stand for the rows they compared, not their tables. */
    public static final String RUN_PREFIX = io.qreplicator.core.verify.VerifyResults.SPOT_CHECK_PREFIX;
    /** Its runs over whole tables are named so: ordinary verify runs of one table. */
    public static final String TABLE_RUN_PREFIX = "bulk-insert-table-check-";
    /** Rows waiting to be looked up; beyond this, their tables are verified whole instead. */
    static final int MAX_WAITING = 10_000;
    private static final long WHOLE_TABLE_GAP_MS = 60_000;

    /**
     * A row to look up: the key's columns and values, or none when its table is to be verified whole.
     */
    record Candidate(String gtid, String schema, String table, List<String> keyColumns, List<BigInteger> key) {
        String qualifiedName() {
            return schema + "." + table;
        }

        boolean whole() {
            return key.isEmpty();
        }

        /** {@code schema.table TAB lower TAB upper}: the one key, as {@link VerifyRunner#runRows} takes chunks. */
        String chunk() {
            List<String> upper = key.stream().map(k -> "n:" + k).toList();
            List<String> lower = new ArrayList<>(upper);
            lower.set(lower.size() - 1, "n:" + key.get(key.size() - 1).subtract(BigInteger.ONE));
            return qualifiedName() + "\t" + VerifyKeys.join(lower) + "\t" + VerifyKeys.join(upper);
        }
    }

    private final ConcurrentLinkedQueue<Candidate> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Set<String> wholeTables = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The verify thread's own: when each table was last handed out whole, and the keys found missing, until compared. */
    private final java.util.Map<String, Long> wholeVerifiedAt = new java.util.HashMap<>();
    private final java.util.Map<String, Candidate> missing = new java.util.LinkedHashMap<>();

    /** Called by the binlog reader with a committed group's first relaxed insert per table. */
    public void offer(List<RelaxedInsert> inserts) {
        for (RelaxedInsert r : inserts) {
            Candidate c = candidate(r);
            if (wholeTables.contains(c.qualifiedName())) {
                continue; // verified whole anyway
            }
            if (c.whole() || size.get() >= MAX_WAITING) {
                wholeTables.add(c.qualifiedName());
            } else {
                waiting.add(c);
                size.incrementAndGet();
            }
        }
    }

    /** The row to look up: its integer key, or a whole-table candidate when the key is not all integers (or absent). */
    static Candidate candidate(RelaxedInsert r) {
        TableDef t = r.table();
        List<String> columns = new ArrayList<>();
        List<BigInteger> key = new ArrayList<>();
        for (int i : t.primaryKey()) {
            ColumnDef c = t.columns().get(i);
            BigInteger v = c.name() == null || !r.row().isPresent(i) ? null : integer(c, r.row().value(i));
            if (v == null) {
                return new Candidate(r.gtid(), t.schema(), t.table(), List.of(), List.of());
            }
            columns.add(c.name());
            key.add(v);
        }
        return new Candidate(r.gtid(), t.schema(), t.table(), columns, key);
    }

    /** The value of an integer column as the server has it (an UNSIGNED one's raw bits made positive); null for other types. */
    private static BigInteger integer(ColumnDef c, Object value) {
        int bits = switch (c.type()) {
            case ColumnType.TINY -> 8;
            case ColumnType.SHORT -> 16;
            case ColumnType.INT24 -> 24;
            case ColumnType.LONG -> 32;
            case ColumnType.LONGLONG -> 64;
            default -> 0;
        };
        if (bits == 0 || !(value instanceof Number n) || value instanceof BigDecimal || value instanceof Double
                || value instanceof Float) {
            return null;
        }
        BigInteger v = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
        return c.unsigned() && v.signum() < 0 ? v.add(BigInteger.ONE.shiftLeft(bits)) : v;
    }

    int waitingRows() {
        return size.get();
    }

    Set<String> wholeTables() {
        return Set.copyOf(wholeTables);
    }

    /** Rows wait to be looked up. */
    boolean hasRowsToLookUp() {
        return !waiting.isEmpty();
    }

    /** Something is to be compared now: keys found missing, or a table due to be verified whole. */
    boolean hasWorkDue() {
        return !missing.isEmpty() || !dueTables(false).isEmpty();
    }

    /** What to compare: keys row by row ({@link Candidate}s, each its own chunk), and tables to verify whole. */
    record Work(List<Candidate> keys, List<String> tables) {
        boolean isEmpty() {
            return keys.isEmpty() && tables.isEmpty();
        }
    }

    /** Hands out what is due to be compared; the keys stay until {@link #compared}. */
    Work due() {
        return new Work(List.copyOf(missing.values()), dueTables(true));
    }

    /** The keys were compared (or handed over to a whole-table run). */
    void compared(List<Candidate> keys) {
        keys.forEach(k -> missing.remove(k.chunk()));
    }

    /** Has {@code table} verified whole (its key changed since the row was read, say). */
    void verifyWhole(String table) {
        wholeTables.add(table);
    }

    private List<String> dueTables(boolean handOut) {
        List<String> tables = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String t : List.copyOf(wholeTables)) {
            Long at = wholeVerifiedAt.get(t);
            if (at == null || now - at >= WHOLE_TABLE_GAP_MS) {
                tables.add(t);
                if (handOut) {
                    wholeTables.remove(t);
                    wholeVerifiedAt.put(t, now);
                }
            }
        }
        return tables;
    }

    /**
     * Looks the waiting rows up on the primary ({@code c}); those not found wait to be compared
     * ({@link #due}). A lost connection leaves the rows not yet looked up waiting, and those found
     * missing before it kept.
     */
    void lookUp(Connection c) throws SQLException {
        Candidate next;
        while ((next = waiting.peek()) != null) {
            try {
                if (wholeTables.contains(next.qualifiedName())) {
                    log.debug("bulk-insert check: {} is to be verified whole; its row is not looked up", next.qualifiedName());
                } else if (!found(c, next)) {
                    missing.put(next.chunk(), next);
                    log.info("bulk-insert check: the first row transaction {} inserted into {} with foreign_key_checks=0 and"
                            + " unique_checks=0 (key {}) is not on the primary: compared on both sides", next.gtid(),
                            next.qualifiedName(), next.key());
                }
            } catch (SQLException e) {
                if (DriverErrors.isConnectionFailure(e)) {
                    throw e;
                }
                if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                    log.debug("bulk-insert check: {} is gone; nothing to compare", next.qualifiedName());
                } else { // a column renamed or retyped since: the table is compared whole
                    log.info("bulk-insert check: cannot look up the row of transaction {} in {} ({}); the table is verified"
                            + " whole", next.gtid(), next.qualifiedName(), e.getMessage());
                    wholeTables.add(next.qualifiedName());
                }
            }
            waiting.poll();
            size.decrementAndGet();
        }
    }

    private static boolean found(Connection c, Candidate r) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT 1 FROM ").append(ChunkChecksum.from(r.schema(), r.table(), false)).append(" WHERE ");
        for (int i = 0; i < r.keyColumns().size(); i++) {
            sql.append(i > 0 ? " AND " : "").append(ChunkChecksum.quote(r.keyColumns().get(i))).append(" = ?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < r.key().size(); i++) {
                ps.setBigDecimal(i + 1, new BigDecimal(r.key().get(i)));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
