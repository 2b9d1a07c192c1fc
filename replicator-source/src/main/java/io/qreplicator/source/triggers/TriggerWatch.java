package io.qreplicator.source.triggers;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.sql.DdlTargets;
import io.qreplicator.source.assemble.ChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.qreplicator.core.verify.ChunkChecksum;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Keeps the sink's copy of the primary's triggers current ({@link PrimaryTriggers}).
 *
 * <p>Invariant: after the source starts streaming, and after every DDL or trigger statement it
 * reads (kept by the filters or not: a DROP TABLE takes its triggers with it, a RENAME moves them),
 * the primary's triggers on replicated tables are read again at the next transaction boundary, and
 * when they differ from the set this process last put into the stream, the whole set goes into the
 * spool right after that transaction. A trigger changes only by such statements, so the sink's copy
 * is what the primary has (as of the time it was read, which may be later than the stream's
 * position while the source catches up). A trigger made with {@code sql_log_bin=0} is not seen until
 * the next DDL of its schema, as a native replica never sees it. What the set may lack is said with
 * it: the schemas whose triggers the source's account cannot see (no TRIGGER privilege), among those
 * the filters may replicate and those the stream has carried rows of.
 *
 * <p>Only the schemas a statement names are read again ({@link DdlTargets}: its tables', the
 * schemas it creates or drops, a trigger's), and a schema the stream carries rows of for the first
 * time: on a primary with many tables a burst of DDL costs a read of one schema each, not of the
 * whole catalog. A statement whose objects cannot be read, and each start of the stream, read every
 * schema.
 *
 * <p>It runs on the binlog thread ({@link io.qreplicator.source.TransactionSpooler.Between}), so the
 * set is placed between two transactions and only while the source ships; what it put in the stream
 * counts as shipped only once the spool holds it. A lost connection, a server error known to be
 * transient, or a refused privilege puts, once, a record saying the set could not be read (the sink
 * marks its own out of date), and the read stays due, tried again at a transaction at least 10 s
 * later. Any other error puts that record too, then stops the stream.
 */
public final class TriggerWatch implements io.qreplicator.source.TransactionSpooler.Between {
    private static final Logger log = LoggerFactory.getLogger(TriggerWatch.class);
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");
    private static final long RETRY_MILLIS = 10_000;
    /** Access denied: to a table (1142), a column (1143), a database (1044), a login (1045), a privilege (1227). */
    private static final Set<Integer> DENIED = Set.of(1142, 1143, 1044, 1045, 1227);
    /** Server errors that pass (as the binlog stream's): too many connections, shutdown, killed, statement time. */
    private static final Set<Integer> TRANSIENT = Set.of(1040, 1053, 1077, 1203, 1317, 1927, 1969);

    private final Callable<Connection> connect;
    private final ChangeFilter filter;
    private final String agentsSchema;

    // what was read from the primary
    /** The triggers read so far, by schema (its exact name), each schema's in creation order. */
    private final TreeMap<String, List<PrimaryTriggers.Trigger>> known = new TreeMap<>();
    private boolean readAll = true;
    /** Schemas (lower case, as {@link DdlTargets} names them) to read again. */
    private final Set<String> dirty = new HashSet<>();
    /** Schemas the stream carried rows of (exact names). */
    private final Set<String> streamed = new HashSet<>();
    private String lastStreamed = "";
    /** The schemas information_schema listed at the last read: their triggers were read (or their absence seen). */
    private Set<String> listed = Set.of();
    /** At the last read the account held TRIGGER globally: it sees every schema's triggers. */
    private boolean seesAll;
    /** The connection reads use, kept between them; closed when one fails. */
    private Connection connection;
    /** Schemas whose triggers the account could not see at the last read. */
    private Set<String> hidden = Set.of();
    /** By schema, the triggers the server could not load at the last read of it. */
    private final TreeMap<String, List<String>> unloadable = new TreeMap<>();
    private long notBefore;

    // what is in the stream
    private List<PrimaryTriggers.Trigger> shipped;
    private String shippedWarning = "";
    /** A record saying the set could not be read is in the stream, and no set since. */
    private boolean unreadShipped;

    // the record offered by after(), until appended() or lost()
    private List<PrimaryTriggers.Trigger> offered;
    private String offeredWarning;
    private boolean offeredUnread;
    private RuntimeException failAfterAppend;

    /**
     * @param connect      a new connection to the primary, with the source's account
     * @param filter       the source's filters: triggers of tables whose rows it keeps are read
     * @param agentsSchema the agents' own schema (heartbeat, roles), whose triggers are none of the application's
     */
    public TriggerWatch(Callable<Connection> connect, ChangeFilter filter, String agentsSchema) {
        this.connect = connect;
        this.filter = filter;
        this.agentsSchema = agentsSchema;
    }

    /**
     * A DDL or trigger statement was read ({@code database} its default database, {@code sql} its
     * text): the schemas it names are read again after its transaction.
     */
    public synchronized void schemaStatementSeen(String database, String sql) {
        DdlTargets t = DdlTargets.of(database, sql);
        if (t.all()) {
            readAll = true;
            return;
        }
        for (Set<String> keys : List.of(t.tables(), t.triggerTables())) {
            for (String key : keys) {
                int dot = key.indexOf('.');
                if (dot < 0 || key.indexOf('.', dot + 1) >= 0) {
                    readAll = true; // a dot in a name: which part is the schema cannot be told
                    return;
                }
                markDirty(key.substring(0, dot));
            }
        }
        t.schemas().forEach(this::markDirty);
        t.routineSchemas().forEach(this::markDirty);
    }

    /** {@code schema} (lower case) is read again, unless the filters can keep none of its tables (a RENAME names both sides). */
    private void markDirty(String schema) {
        if (filter.mayKeepRowsOf(schema)) {
            dirty.add(schema);
        }
    }

    /**
     * The source starts streaming (at its start, or activated by a role change): the set is read and
     * put into the stream at the first transaction, changed or not, for a sink that may not have it.
     */
    public synchronized void streamStarts() {
        shipped = null;
        unreadShipped = false;
        readAll = true;
    }

    /**
     * The record to put right after {@code tx}, or null: nothing is due, or nothing changed. Called on
     * the binlog thread after each transaction is spooled; counts as shipped once {@link #appended}.
     */
    @Override
    public synchronized Change after(Transaction tx) {
        noteSchemas(tx);
        if (!tx.last() || !readAll && dirty.isEmpty() || System.currentTimeMillis() < notBefore) {
            return null;
        }
        String warning;
        try {
            warning = readDue(false);
        } catch (SQLException e) {
            closeConnection();
            boolean denied = DENIED.contains(e.getErrorCode());
            boolean passing = denied || TRANSIENT.contains(e.getErrorCode()) || changedUnderTheRead(e)
                    || io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e);
            String why = "the primary's triggers could not be read (error " + e.getErrorCode() + ": " + e.getMessage() + ")"
                    + (denied ? ": give the source's account TRIGGER on the replicated schemas (docs/install.md)" : "")
                    + (shippedWarning.isEmpty() ? "" : "; before that: " + shippedWarning);
            if (!passing) {
                failAfterAppend = new io.qreplicator.source.binlog.BinlogErrors.FatalBinlogException(why + ". The source stopped"
                        + " after the transaction " + (tx.position() == null ? "" : tx.position().gtid() + " ") + "it had spooled,"
                        + " having told the standby's side that its set of the primary's triggers may be out of date; it"
                        + " does not know this error. Report it with the source's log; started again, it reads them again", e);
            } else {
                notBefore = System.currentTimeMillis() + RETRY_MILLIS;
                log.warn("{}; trying again at a transaction at least {} s from now", why, RETRY_MILLIS / 1000);
            }
            if (unreadShipped && passing) {
                return null;
            }
            offeredUnread = true;
            return PrimaryTriggers.unread(why);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the primary's triggers: " + e.getMessage(), e);
        }
        List<PrimaryTriggers.Trigger> now = new ArrayList<>();
        known.values().forEach(now::addAll);
        if (now.equals(shipped) && warning.equals(shippedWarning) && !unreadShipped) {
            return null;
        }
        offered = now;
        offeredWarning = warning;
        offeredUnread = false;
        return PrimaryTriggers.of(now, warning);
    }

    /**
     * Reads what is due and returns the set's warning. A kept connection the server closed meanwhile
     * (its wait_timeout) is opened again once before the failure counts.
     */
    private String readDue(boolean fresh) throws Exception {
        boolean reused = connection != null && !fresh;
        if (connection == null || connection.isClosed()) {
            connection = connect.call();
            reused = false;
        }
        Connection c = connection;
        String warning;
        try {
            if (readAll) {
                known.clear();
                unloadable.clear();
                List<Unloadable> problems = new ArrayList<>();
                for (PrimaryTriggers.Trigger t : read(c, filter::keepRows, null, problems)) {
                    known.computeIfAbsent(t.schema(), k -> new ArrayList<>()).add(t);
                }
                for (Unloadable p : problems) {
                    unloadable.computeIfAbsent(p.schema(), k -> new ArrayList<>()).add(p.trigger());
                }
            } else {
                readSchemas(c, dirty);
            }
            Set<String> nowHidden = hiddenSchemas(c);
            Set<String> granted = new HashSet<>();
            hidden.stream().filter(x -> !nowHidden.contains(x)).forEach(x -> granted.add(x.toLowerCase(java.util.Locale.ROOT)));
            if (!granted.isEmpty()) {
                readSchemas(c, granted); // granted since the last read: their triggers are visible now
            }
            hidden = nowHidden;
            readAll = false; // only now: a read cut short stays due, and is tried again
            dirty.clear();
            warning = hidden.isEmpty() ? "" : "the source's account holds no TRIGGER privilege on schema(s) " + hidden
                    + ", so it sees none of their triggers: the sink keeps none of them and a failover would create none."
                    + " Grant it, e.g. GRANT TRIGGER ON `" + hidden.iterator().next() + "`.* (docs/install.md)";
            if (!unloadable.isEmpty()) {
                List<String> all = new ArrayList<>();
                unloadable.values().forEach(all::addAll);
                warning = (warning.isEmpty() ? "" : warning + "; ") + "the primary cannot load trigger(s) " + all
                        + ", so they are not kept (nor would a failover create them): fix or drop them on the primary";
            }
        } catch (SQLException e) {
            if (reused && io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e)) {
                closeConnection();
                return readDue(true);
            }
            throw e;
        }
        return warning;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone already
            }
            connection = null;
        }
    }

    /** Closes the connection reads keep (the source stops). */
    public synchronized void close() {
        closeConnection();
    }

    @Override
    public synchronized void appended() {
        if (offeredUnread) {
            unreadShipped = true;
            shipped = null; // the next set read goes into the stream, and clears the mark
        } else if (offered != null) {
            shipped = offered;
            shippedWarning = offeredWarning;
            unreadShipped = false;
            log.info("the primary has {} trigger(s) on replicated tables; the sink keeps them for a failover{}", shipped.size(),
                    shippedWarning.isEmpty() ? "" : ". " + shippedWarning);
        }
        offered = null;
        offeredUnread = false;
        RuntimeException fail = failAfterAppend;
        failAfterAppend = null;
        if (fail != null) {
            throw fail;
        }
    }

    @Override
    public synchronized void lost() {
        offered = null;
        offeredUnread = false;
        failAfterAppend = null;
        streamStarts(); // not in the stream: read and put it there again
    }

    /** Schemas of the rows {@code tx} carries: one the stream had not carried before is read, and its privilege checked. */
    private void noteSchemas(Transaction tx) {
        for (Change ch : tx.changes()) {
            if (ch instanceof io.qreplicator.core.model.RowChange rc) {
                String schema = rc.table().schema();
                if (!schema.equals(lastStreamed)) {
                    lastStreamed = schema;
                    if (streamed.add(schema) && !seesAll && !listed.contains(schema)) {
                        // not among the schemas the last read listed (and read): the account may not see it at all
                        dirty.add(schema.toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
    }

    /** Reads the schemas named (lower case) again, into {@link #known}. */
    private void readSchemas(Connection c, Set<String> lower) throws SQLException {
        known.keySet().removeIf(schema -> lower.contains(schema.toLowerCase(java.util.Locale.ROOT)));
        unloadable.keySet().removeIf(schema -> lower.contains(schema.toLowerCase(java.util.Locale.ROOT)));
        for (String schema : schemasNamed(c, lower)) {
            List<Unloadable> problems = new ArrayList<>();
            List<PrimaryTriggers.Trigger> there = read(c, filter::keepRows, schema, problems);
            if (!there.isEmpty()) {
                known.put(schema, there);
            }
            if (!problems.isEmpty()) {
                unloadable.put(schema, problems.stream().map(Unloadable::trigger).toList());
            }
        }
    }

    /**
     * Schemas the filters may replicate, among those information_schema shows and those the stream
     * carried rows of, whose triggers information_schema hides from the source's account: it holds
     * TRIGGER on them neither globally nor on the schema (as its current role's counts too, where the
     * server shows the role's grants).
     */
    private Set<String> hiddenSchemas(Connection c) throws SQLException {
        List<String> grantees = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_USER(), "
                + (isMysql(c) ? "NULL" : "CURRENT_ROLE()"))) {
            rs.next();
            String user = rs.getString(1);
            int at = user.lastIndexOf('@');
            grantees.add("'" + user.substring(0, Math.max(0, at)) + "'@'" + user.substring(at + 1) + "'");
            String role = rs.getString(2);
            if (role != null) {
                grantees.add("'" + role + "'");
                grantees.add("'" + role + "'@''");
            }
        }
        String in = String.join(", ", java.util.Collections.nCopies(grantees.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
                + " WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE IN (" + in + ")")) {
            for (int i = 0; i < grantees.size(); i++) {
                ps.setString(i + 1, grantees.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                seesAll = rs.next() && rs.getLong(1) > 0;
                if (seesAll) {
                    return Set.of();
                }
            }
        }
        List<java.util.regex.Pattern> granted = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES"
                + " WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE IN (" + in + ")")) {
            for (int i = 0; i < grantees.size(); i++) {
                ps.setString(i + 1, grantees.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    granted.add(grantPattern(rs.getString(1)));
                }
            }
        }
        Set<String> schemas = new java.util.TreeSet<>(streamed);
        Set<String> shown = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
            while (rs.next()) {
                shown.add(rs.getString(1));
            }
        }
        schemas.addAll(shown);
        listed = shown;
        Set<String> out = new java.util.TreeSet<>();
        for (String schema : schemas) {
            if (!SYSTEM_SCHEMAS.contains(schema.toLowerCase(java.util.Locale.ROOT)) && !schema.equalsIgnoreCase(agentsSchema)
                    && filter.mayKeepRowsOf(schema) && granted.stream().noneMatch(p -> p.matcher(schema).matches())) {
                out.add(schema);
            }
        }
        return out;
    }

    /** A database grant's name, whose {@code _} and {@code %} are wildcards unless escaped, as a pattern. */
    static java.util.regex.Pattern grantPattern(String granted) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < granted.length(); i++) {
            char ch = granted.charAt(i);
            if (ch == '\\' && i + 1 < granted.length()) {
                re.append(java.util.regex.Pattern.quote(String.valueOf(granted.charAt(++i))));
            } else if (ch == '_') {
                re.append('.');
            } else if (ch == '%') {
                re.append(".*");
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
            }
        }
        return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
    }

    private static boolean isMysql(Connection c) throws SQLException {
        return !c.getMetaData().getDatabaseProductVersion().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    /** The schemas on {@code c} whose names, in lower case, are among {@code lower}: names are compared as DdlTargets keeps them. */
    private static List<String> schemasNamed(Connection c, Set<String> lower) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (lower.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /**
     * The primary's triggers on tables {@code replicated} says are replicated ({@code (schema, table)}), outside
     * the system schemas, in the order to create them in:
     * by schema, table and the primary's action order. A trigger dropped or moved (its table renamed)
     * between the listing and its definition means the set is changing: it is read again, whole.
     */
    public static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated)
            throws SQLException {
        return read(c, replicated, null);
    }

    /** As {@link #read(Connection, java.util.function.BiPredicate)}, of one schema ({@code schema}), or of all (null). */
    static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated, String schema)
            throws SQLException {
        return read(c, replicated, schema, null);
    }

    /**
     * As {@link #read(Connection, java.util.function.BiPredicate, String)}; a trigger the server cannot
     * load (a corrupted or unparsable trigger file, error 1602) goes to {@code unreadable} instead of
     * failing the read (null: it fails it).
     */
    static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated, String schema,
                                              List<Unloadable> unreadable) throws SQLException {
        return read(c, replicated, schema, null, unreadable);
    }

    /**
     * The triggers of one table, {@code schema.table}, as {@link #read(Connection, java.util.function.BiPredicate,
     * String, List)} reads them: the server then opens that table only, not its whole schema.
     */
    public static List<PrimaryTriggers.Trigger> readTable(Connection c, String schema, String table, List<Unloadable> unreadable)
            throws SQLException {
        return read(c, (s, t) -> s.equals(schema) && t.equals(table), schema, table, unreadable);
    }

    private static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated,
                                                      String schema, String table, List<Unloadable> unreadable) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            List<Unloadable> problems = new ArrayList<>();
            try {
                List<PrimaryTriggers.Trigger> out = readOnce(c, replicated, schema, table, unreadable == null ? null : problems);
                if (!problems.isEmpty() && attempt < 5) {
                    // also met while a DDL rewrites the table's trigger file (seen in the mysql-test corpus): read again
                    pauseBeforeRetry(attempt);
                    continue;
                }
                if (unreadable != null) {
                    unreadable.addAll(problems);
                }
                return out;
            } catch (SQLException e) {
                if (attempt >= 5 || !changedUnderTheRead(e)) {
                    throw e;
                }
                pauseBeforeRetry(attempt);
            }
        }
    }

    /** Between reads of a set that changed under them: 20, 40, 60, 80 ms. */
    private static void pauseBeforeRetry(int attempt) throws SQLException {
        try {
            Thread.sleep(20L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading the primary's triggers", "08000", e);
        }
    }

    /**
     * A trigger the server cannot load (error 1602).
     *
     * @param schema  its schema
     * @param trigger its name, table and the server's message, as a person reads them
     */
    public record Unloadable(String schema, String trigger) {
    }

    private static final int TRIGGER_MISSING = 1360;
    /** ER_TRG_CORRUPTED_FILE: the server cannot load a table's triggers (a body it no longer accepts, a damaged file). */
    private static final int CORRUPTED_TRIGGER = 1602;
    private static final int TABLE_MISSING = 1146;
    /** mysys's EE_FILENOTFOUND, sent as the error number: a trigger's .TRN or .TRG file removed between two reads. */
    private static final int FILE_NOT_FOUND = 29;

    /**
     * Errors a DDL running beside the read causes (a trigger or table dropped, a trigger file rewritten
     * or removed between the listing and the read; all met in the mysql-test corpus): the read is tried
     * again, and they pass.
     */
    static boolean changedUnderTheRead(SQLException e) {
        int code = e.getErrorCode();
        return code == TRIGGER_MISSING || code == TABLE_MISSING || code == CORRUPTED_TRIGGER
                || code == FILE_NOT_FOUND && e.getMessage() != null && e.getMessage().matches("(?s).*\\.(TRN|TRG)'.*");
    }

    private static List<PrimaryTriggers.Trigger> readOnce(Connection c, java.util.function.BiPredicate<String, String> replicated,
                                                          String only, String onlyTable, List<Unloadable> unreadable) throws SQLException {
        List<String[]> names = new ArrayList<>();
        // with EVENT_OBJECT_SCHEMA (a trigger's schema is its table's) given as a constant, the server opens that schema's
        // tables only: about 3 ms where all of a 50,000-table catalog takes about 150 ms (scripts/bench/trigger-catalog.sh)
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM"
                + " information_schema.TRIGGERS" + (only == null ? "" : " WHERE EVENT_OBJECT_SCHEMA = ?")
                + (onlyTable == null ? "" : " AND EVENT_OBJECT_TABLE = ?") + " ORDER BY TRIGGER_SCHEMA,"
                + " EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER")) {
            if (only != null) {
                ps.setString(1, only);
            }
            if (onlyTable != null) {
                ps.setString(2, onlyTable);
            }
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(3);
                if (!SYSTEM_SCHEMAS.contains(schema.toLowerCase(java.util.Locale.ROOT)) && replicated.test(schema, table)) {
                    names.add(new String[]{schema, rs.getString(2), table});
                }
            }
        }
        List<PrimaryTriggers.Trigger> out = new ArrayList<>(names.size());
        for (String[] n : names) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE TRIGGER " + ChunkChecksum.quote(n[0]) + "."
                    + ChunkChecksum.quote(n[1]))) {
                if (!rs.next()) {
                    throw new SQLException("trigger " + n[0] + "." + n[1] + " is gone", "HY000", TRIGGER_MISSING);
                }
                out.add(new PrimaryTriggers.Trigger(n[0], n[2], n[1], rs.getString("SQL Original Statement"),
                        rs.getString("sql_mode"), rs.getString("character_set_client"), rs.getString("collation_connection")));
            } catch (SQLException e) {
                if (e.getErrorCode() != CORRUPTED_TRIGGER || unreadable == null) {
                    throw e;
                }
                unreadable.add(new Unloadable(n[0], n[0] + "." + n[1] + " on " + n[2] + " (" + e.getMessage() + ")"));
            }
        }
        return out;
    }

}
