package io.qreplicator.source.assemble;

import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.source.FilterConfig;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, from the {@link FilterConfig}, which row changes and statements enter the stream.
 * Table patterns apply to row changes by their table, and to DDL by the object it names first
 * (CREATE/ALTER/DROP/RENAME/TRUNCATE TABLE, CREATE/DROP DATABASE); a statement whose object cannot
 * be recognised is kept, since dropping DDL by mistake breaks the standby.
 */
public final class ChangeFilter {
    private static final Pattern MYSQL_QUALIFIED = Pattern.compile("(^|[^\\w$])`?mysql`?\\s*\\.", Pattern.CASE_INSENSITIVE);
    private static final String NAME = "(`[^`]+`|[\\w$]+)";
    private static final Pattern TABLE_DDL = Pattern.compile("^\\s*(?:CREATE(?:\\s+OR\\s+REPLACE)?|ALTER(?:\\s+ONLINE|\\s+IGNORE)*|DROP|RENAME|TRUNCATE)"
            + "\\s+TABLE\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEMA_DDL = Pattern.compile("^\\s*(?:CREATE|DROP|ALTER)\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?"
            + NAME, Pattern.CASE_INSENSITIVE);

    private final FilterConfig config;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final Map<String, Boolean> tableDecisions = new ConcurrentHashMap<>();
    private final String alwaysKept;

    public ChangeFilter(FilterConfig config) {
        this(config, "");
    }

    /** @param alwaysKept {@code schema.table} kept whatever the patterns say: the heartbeat table */
    public ChangeFilter(FilterConfig config, String alwaysKept) {
        this.config = config;
        this.alwaysKept = alwaysKept;
        this.include = config.include().stream().map(ChangeFilterPatterns::of).toList();
        this.exclude = config.exclude().stream().map(ChangeFilterPatterns::of).toList();
    }

    public boolean keepRows(String schema, String table) {
        if (!config.mysqlSchema() && isMysqlSchema(schema)) {
            return false;
        }
        if (!config.dml()) {
            return (schema + "." + table).equalsIgnoreCase(alwaysKept);
        }
        if (include.isEmpty() && exclude.isEmpty()) {
            return true;
        }
        return tableDecisions.computeIfAbsent(schema + "." + table, this::tableMatches);
    }

    public boolean keepStatement(String database, String sql, StatementKind kind) {
        return switch (kind) {
            case ACCOUNT -> config.accountManagement();
            case TRIGGER -> config.triggers();
            case TEMPORARY, FLUSH, SAVEPOINT -> false;
            case DDL -> config.ddl() && (config.mysqlSchema() || !(isMysqlSchema(database) || MYSQL_QUALIFIED.matcher(sql).find()))
                    && ddlObjectMatches(database, sql);
            default -> true;
        };
    }

    private boolean ddlObjectMatches(String database, String sql) {
        if (include.isEmpty() && exclude.isEmpty()) {
            return true;
        }
        Matcher t = TABLE_DDL.matcher(sql);
        if (t.find()) {
            String schema = t.group(2) != null ? unquote(t.group(1)) : database;
            String table = unquote(t.group(2) != null ? t.group(2) : t.group(1));
            return schema == null || schema.isEmpty() || tableMatches(schema + "." + table);
        }
        Matcher s = SCHEMA_DDL.matcher(sql);
        if (s.find()) {
            return schemaMayMatch(unquote(s.group(1)));
        }
        return true;
    }

    private boolean tableMatches(String qualified) {
        if (qualified.equalsIgnoreCase(alwaysKept)) {
            return true;
        }
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(qualified).matches());
        return in && exclude.stream().noneMatch(p -> p.matcher(qualified).matches());
    }

    /** A schema is created/dropped on the standby unless no table of it could ever be replicated. */
    private boolean schemaMayMatch(String schema) {
        boolean in = include.isEmpty() || config.include().stream().anyMatch(g -> ChangeFilterPatterns.of(g.substring(0, g.indexOf('.')))
                .matcher(schema).matches());
        boolean wholeExcluded = config.exclude().stream().anyMatch(g -> g.endsWith(".*")
                && ChangeFilterPatterns.of(g.substring(0, g.length() - 2)).matcher(schema).matches());
        return in && !wholeExcluded;
    }

    private static String unquote(String name) {
        return name != null && name.startsWith("`") ? name.substring(1, name.length() - 1) : name;
    }

    private static boolean isMysqlSchema(String schema) {
        return schema != null && schema.toLowerCase(Locale.ROOT).equals("mysql");
    }
}
