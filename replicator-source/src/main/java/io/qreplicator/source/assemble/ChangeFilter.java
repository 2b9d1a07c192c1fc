package io.qreplicator.source.assemble;

import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.core.sql.DdlTargets;
import io.qreplicator.source.FilterConfig;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Decides, from the {@link FilterConfig}, which row changes and statements enter the stream.
 * Table patterns apply to row changes by their table, and to DDL by every object it names
 * ({@link DdlTargets}: tables of CREATE/ALTER/DROP/RENAME/TRUNCATE, indexes' tables, databases); a
 * statement whose objects cannot be recognised is kept, since dropping DDL by mistake breaks the
 * standby, and one that names objects on both sides of the filters stops the source.
 */
public final class ChangeFilter {
    private static final Pattern MYSQL_QUALIFIED = Pattern.compile("(^|[^\\w$])`?mysql`?\\s*\\.", Pattern.CASE_INSENSITIVE);

    private final FilterConfig config;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final Map<String, Boolean> tableDecisions = new ConcurrentHashMap<>();
    private final java.util.Set<String> alwaysKept = new java.util.HashSet<>();
    private final java.util.Set<String> neverKept = new java.util.HashSet<>();

    /** @param alwaysKept {@code schema.table} of tables kept whatever the patterns say: the heartbeat and role tables */
    public ChangeFilter(FilterConfig config, String... alwaysKept) {
        this.config = config;
        for (String t : alwaysKept) {
            this.alwaysKept.add(t.toLowerCase(java.util.Locale.ROOT));
        }
        this.include = config.include().stream().map(ChangeFilterPatterns::of).toList();
        this.exclude = config.exclude().stream().map(ChangeFilterPatterns::of).toList();
    }

    /**
     * Tables ({@code schema.table}) whose rows never enter the stream, whatever the patterns say: the
     * sinks' own state (checkpoint, provisioning), which describes one standby and means nothing on
     * another server. They reach a binlog when a sink applies to a server that is a primary (the
     * dormant direction of a switchable pair), whose source would otherwise ship them back.
     */
    public ChangeFilter neverKeeping(java.util.Collection<String> tables) {
        tables.forEach(t -> neverKept.add(t.toLowerCase(java.util.Locale.ROOT)));
        return this;
    }

    public boolean keepRows(String schema, String table) {
        if (!neverKept.isEmpty() && neverKept.contains((schema + "." + table).toLowerCase(java.util.Locale.ROOT))) {
            return false;
        }
        if (!config.mysqlSchema() && isMysqlSchema(schema)) {
            return false;
        }
        if (!config.dml()) {
            return alwaysKept.contains((schema + "." + table).toLowerCase(java.util.Locale.ROOT));
        }
        if (include.isEmpty() && exclude.isEmpty()) {
            return true;
        }
        return tableDecisions.computeIfAbsent(schema + "." + table, this::tableMatches);
    }

    public boolean keepStatement(String database, String sql, StatementKind kind) {
        return switch (kind) {
            case ACCOUNT -> config.accountManagement();
            case TRIGGER -> config.triggers() && ddlObjectMatches(database, sql);
            case TEMPORARY, FLUSH, SAVEPOINT -> false;
            case DDL -> config.ddl() && (config.mysqlSchema() || !(isMysqlSchema(database) || MYSQL_QUALIFIED.matcher(sql).find()))
                    && ddlObjectMatches(database, sql);
            default -> true;
        };
    }

    /**
     * Every object the statement names ({@link DdlTargets}) must be on the same side of the filters:
     * all in (kept), or all out (dropped). Tables and views are judged by their names, schemas and the
     * routines and events in them by the schema (as a native replica's table and database filters
     * judge them), a trigger by its table when it is created and by its schema when it is dropped (the
     * statement does not name the table). A statement that names objects on both sides (RENAME of a kept
     * table to an excluded name, DROP TABLE of a kept and an excluded table) cannot be replayed exactly on
     * the standby, which holds only the kept side, and stops the source. A statement whose objects cannot
     * be read, or that names none (a UDF), is kept: dropping DDL by mistake breaks the standby.
     */
    private boolean ddlObjectMatches(String database, String sql) {
        if (include.isEmpty() && exclude.isEmpty()) {
            return true;
        }
        DdlTargets targets = DdlTargets.of(database, sql);
        if (targets.all()) {
            return true;
        }
        List<String> kept = new java.util.ArrayList<>();
        List<String> dropped = new java.util.ArrayList<>();
        // an unqualified name with no current database (".t", "") is kept: it cannot be judged
        java.util.function.Predicate<String> byName = t -> t.startsWith(".") || tableMatches(t);
        sort(targets.tables(), "", byName, kept, dropped);
        sort(targets.views(), "view ", byName, kept, dropped);
        sort(targets.schemas(), "database ", this::schemaMayMatch, kept, dropped);
        sort(targets.triggerTables(), "trigger on ", byName, kept, dropped);
        // a schema holding a table kept whatever the patterns say (the heartbeat's) keeps its dropped triggers too
        sort(targets.routineSchemas(), "routines, events or triggers of database ", s -> s.isEmpty() || schemaMayMatch(s)
                || alwaysKept.stream().anyMatch(t -> t.startsWith(s + ".")), kept, dropped);
        if (!kept.isEmpty() && !dropped.isEmpty()) {
            throw new io.qreplicator.source.binlog.UnsupportedEventException("a DDL statement names objects on both sides"
                    + " of the filters (replicated: " + String.join(", ", kept) + "; filtered out: " + String.join(", ", dropped)
                    + "): the standby holds only the replicated ones, so it cannot be replayed there exactly ("
                    + abbreviate(sql) + "). Run its effect on the standby by hand for the replicated objects, then"
                    + " re-seed them (qrepl provision --tables SCHEMA.TABLE --force), or widen the filters to cover all of them");
        }
        return dropped.isEmpty();
    }

    /** Adds each of {@code names}, labelled, to {@code kept} or {@code dropped} by {@code matches}. */
    private static void sort(java.util.Collection<String> names, String label, java.util.function.Predicate<String> matches,
                             List<String> kept, List<String> dropped) {
        names.forEach(n -> (matches.test(n) ? kept : dropped).add(label + n));
    }

    private static String abbreviate(String sql) {
        return sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
    }

    private boolean tableMatches(String qualified) {
        if (alwaysKept.contains(qualified.toLowerCase(java.util.Locale.ROOT))) {
            return true;
        }
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(qualified).matches());
        return in && exclude.stream().noneMatch(p -> p.matcher(qualified).matches());
    }

    /**
     * Whether some table of {@code schema} may have its rows kept: false where no pattern could keep one,
     * and for the mysql schema while it is not replicated. Errs on the side of "may".
     */
    public boolean mayKeepRowsOf(String schema) {
        if (!config.mysqlSchema() && isMysqlSchema(schema)) {
            return false;
        }
        if (!config.dml()) {
            String prefix = schema.toLowerCase(Locale.ROOT) + ".";
            return alwaysKept.stream().anyMatch(t -> t.startsWith(prefix));
        }
        return schemaMayMatch(schema);
    }

    /** A schema is created/dropped on the standby unless no table of it could ever be replicated. */
    private boolean schemaMayMatch(String schema) {
        boolean in = include.isEmpty() || config.include().stream().anyMatch(g -> ChangeFilterPatterns.of(g.substring(0, g.indexOf('.')))
                .matcher(schema).matches());
        boolean wholeExcluded = config.exclude().stream().anyMatch(g -> g.endsWith(".*")
                && ChangeFilterPatterns.of(g.substring(0, g.length() - 2)).matcher(schema).matches());
        return in && !wholeExcluded;
    }

    private static boolean isMysqlSchema(String schema) {
        return schema != null && schema.toLowerCase(Locale.ROOT).equals("mysql");
    }
}
