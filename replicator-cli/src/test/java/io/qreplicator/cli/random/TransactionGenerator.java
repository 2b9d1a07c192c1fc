package io.qreplicator.cli.random;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded generator of a run: from one seed, the same schema and the same sequence of batches,
 * statement for statement, on every machine (nothing but the {@link SplittableRandom} seeded here
 * decides; the primary's answers are never read back). A batch is a mix of autocommitted statements
 * and transactions of 1 to 8 statements with SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT
 * among them, ending in COMMIT or (one in seven) ROLLBACK; a transaction sometimes begins by changing
 * the session's sql_mode (lenient: zero dates, truncation) or time zone. Among the row statements are
 * some by which the server writes rows of its own ({@link ServerSideWrites}: a stored procedure, a
 * sequence, a temporary table; the triggers fire on ordinary ones), and about one transaction in 25
 * is an XA transaction (prepared then committed or rolled back, or committed in one phase, or rolled
 * back unprepared). Between transactions of a
 * single-session batch come DDL statements; a concurrent batch (about one in three) has 2 or 3
 * sessions writing the same tables, without DDL and with the non-transactional tables left to its
 * first session (their changes are visible before their transaction is logged, so two sessions on
 * one such row would make the binlog's order differ from the primary's by design of the server).
 * About one batch in four is a backlog: played while the sink is stopped ({@link Batch#backlog()}).
 */
public final class TransactionGenerator {
    /** Set at the start of every session: the standby is compared in the same zone, and a stuck lock gives up soon. */
    public static final List<String> SESSION_START = List.of("SET NAMES utf8mb4", "SET SESSION time_zone = '+00:00'",
            "SET SESSION innodb_lock_wait_timeout = 10", "SET SESSION sql_mode = DEFAULT");

    private final SplittableRandom r;
    private final RandomSchema schema;
    private final RowStatements rows;
    /** LOAD DATA statements made so far: each loads a file of its own ({@link RowStatements#loadData}). */
    private int loads;
    private final ServerSideWrites serverSide;
    private final boolean concurrency;
    private final boolean nonTransactional;
    private int batches;
    private int xids;

    /**
     * @param concurrency whether some batches run 2 or 3 sessions at once (their SQL is still the seed's;
     *                    only how the primary interleaves them varies between runs)
     */
    public TransactionGenerator(long seed, boolean concurrency) {
        this(seed, concurrency, false);
    }

    /**
     * @param nonTransactional whether row statements write the Aria and MyISAM tables (off by default:
     *                         the sink writes them again when it retries their transaction, see
     *                         {@code NonTransactionalReplayIT}; the tables are created either way)
     */
    public TransactionGenerator(long seed, boolean concurrency, boolean nonTransactional) {
        this.r = new SplittableRandom(seed);
        this.schema = new RandomSchema("rnd_" + Long.toUnsignedString(seed, 36));
        this.rows = new RowStatements(schema, r);
        this.serverSide = new ServerSideWrites(schema.schema, r);
        this.concurrency = concurrency;
        this.nonTransactional = nonTransactional;
    }

    public String schema() {
        return schema.schema;
    }

    /** The statements that create the schema, run once before the first batch. */
    public List<String> setup() {
        List<String> all = new ArrayList<>(schema.create());
        all.addAll(ServerSideWrites.create(schema.schema));
        return all;
    }

    /** The next batch of about {@code transactions} transactions. */
    public Batch next(int transactions) {
        int number = batches++;
        int sessions = concurrency && r.nextInt(3) == 0 ? r.nextInt(2, 4) : 1;
        boolean backlog = r.nextInt(4) == 0;
        List<List<Sql>> out = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            List<Sql> session = new ArrayList<>();
            for (String start : SESSION_START) {
                session.add(new Sql(Shape.SESSION, start));
            }
            boolean[] lenient = {false};
            for (int i = 0; i < transactions / sessions; i++) {
                if (sessions == 1 && r.nextInt(25) == 0) {
                    session.add(schema.ddl(r));
                } else {
                    transaction(session, lenient, nonTransactional && (sessions == 1 || s == 0));
                }
            }
            out.add(session);
        }
        return new Batch(number, out, backlog);
    }

    private void transaction(List<Sql> out, boolean[] lenient, boolean nonTransactional) {
        if (r.nextInt(12) == 0) {
            lenient[0] = !lenient[0];
            out.add(new Sql(Shape.SESSION, "SET SESSION sql_mode = " + (lenient[0] ? "''" : "DEFAULT")));
        }
        if (r.nextInt(20) == 0) {
            out.add(new Sql(Shape.SESSION, "SET SESSION time_zone = '" + (r.nextBoolean() ? "+05:30" : "+00:00") + "'"));
        }
        if (r.nextInt(25) == 0) {
            xa(out, lenient[0]);
            return;
        }
        if (r.nextInt(10) < 3) {
            statement(out, nonTransactional, lenient[0]);
            return;
        }
        out.add(new Sql(Shape.BEGIN, r.nextBoolean() ? "BEGIN" : "START TRANSACTION"));
        List<String> savepoints = new ArrayList<>();
        int statements = r.nextInt(1, 9);
        for (int i = 0; i < statements; i++) {
            int p = r.nextInt(100);
            if (p < 12) {
                String name = r.nextInt(4) == 0 ? "`sp " + savepoints.size() + "`" : "sp" + savepoints.size();
                savepoints.add(name);
                out.add(new Sql(Shape.SAVEPOINT, "SAVEPOINT " + name));
            } else if (p < 19 && !savepoints.isEmpty()) {
                int at = r.nextInt(savepoints.size());
                out.add(new Sql(Shape.ROLLBACK_TO_SAVEPOINT, "ROLLBACK TO SAVEPOINT " + savepoints.get(at)));
                savepoints.subList(at + 1, savepoints.size()).clear(); // later ones are gone, this one stays
            } else if (p < 23 && !savepoints.isEmpty()) {
                int at = r.nextInt(savepoints.size());
                out.add(new Sql(Shape.RELEASE_SAVEPOINT, "RELEASE SAVEPOINT " + savepoints.get(at)));
                savepoints.subList(at, savepoints.size()).clear();
            }
            statement(out, nonTransactional, lenient[0]);
        }
        out.add(r.nextInt(7) == 0 ? new Sql(Shape.ROLLBACK, "ROLLBACK") : new Sql(Shape.COMMIT, "COMMIT"));
    }

    /**
     * A row statement, or (one in twelve) rows the server writes by its own code, or (one in 40 of the
     * rest) a LOAD DATA of a file the session wrote just before; one row statement in 30 runs under
     * MariaDB's {@code SET STATEMENT sql_mode = '' FOR} prefix.
     */
    private void statement(List<Sql> out, boolean nonTransactional, boolean lenient) {
        if (r.nextInt(12) == 0) {
            out.addAll(serverSide.next());
            return;
        }
        if (r.nextInt(40) == 0) {
            out.addAll(rows.loadData(table(nonTransactional), ++loads, lenient));
            return;
        }
        Sql row = rows.next(table(nonTransactional), lenient);
        out.add(r.nextInt(30) == 0 ? new Sql(row.shape(), "SET STATEMENT sql_mode = '' FOR " + row.text()) : row);
    }

    /**
     * An XA transaction of 1 to 4 row statements on transactional tables; its id is unique in the run,
     * so sessions of a concurrent batch never share one.
     */
    private void xa(List<Sql> out, boolean lenient) {
        String xid = "'" + schema.schema + "-xa" + (++xids) + "'";
        out.add(new Sql(Shape.XA_START, "XA START " + xid));
        for (int i = 0, n = r.nextInt(1, 5); i < n; i++) {
            out.add(rows.next(table(false), lenient));
        }
        out.add(new Sql(Shape.XA_END, "XA END " + xid));
        int end = r.nextInt(10);
        if (end < 8) {
            out.add(new Sql(Shape.XA_PREPARE, "XA PREPARE " + xid));
            out.add(end < 6 ? new Sql(Shape.XA_COMMIT, "XA COMMIT " + xid) : new Sql(Shape.XA_ROLLBACK, "XA ROLLBACK " + xid));
        } else {
            out.add(end == 8 ? new Sql(Shape.XA_COMMIT, "XA COMMIT " + xid + " ONE PHASE") : new Sql(Shape.XA_ROLLBACK, "XA ROLLBACK " + xid));
        }
    }

    /** A table to write: the non-transactional ones one time in twelve, where allowed. */
    private TableModel table(boolean nonTransactional) {
        List<TableModel> tables = schema.tables;
        for (int attempt = 0; attempt < 20; attempt++) {
            TableModel t = tables.get(r.nextInt(tables.size()));
            if (t.transactional || (nonTransactional && r.nextInt(4) == 0)) {
                return t;
            }
        }
        return tables.stream().filter(t -> t.transactional).findFirst().orElseThrow();
    }
}
