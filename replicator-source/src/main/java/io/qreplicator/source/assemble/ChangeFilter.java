package io.qreplicator.source.assemble;

import io.qreplicator.source.FilterConfig;

import java.util.Locale;
import java.util.regex.Pattern;

/** Decides, from the {@link FilterConfig}, which row changes and statements enter the stream. */
public final class ChangeFilter {
    private static final Pattern MYSQL_QUALIFIED = Pattern.compile("(^|[^\\w$])`?mysql`?\\s*\\.", Pattern.CASE_INSENSITIVE);

    private final FilterConfig config;

    public ChangeFilter(FilterConfig config) {
        this.config = config;
    }

    public boolean keepRows(String schema) {
        return config.mysqlSchema() || !isMysqlSchema(schema);
    }

    public boolean keepStatement(String database, String sql, StatementKind kind) {
        return switch (kind) {
            case ACCOUNT -> config.accountManagement();
            case TRIGGER -> config.triggers();
            case TEMPORARY, FLUSH, SAVEPOINT -> false;
            case DDL -> config.mysqlSchema() || !(isMysqlSchema(database) || MYSQL_QUALIFIED.matcher(sql).find());
            default -> true;
        };
    }

    private static boolean isMysqlSchema(String schema) {
        return schema != null && schema.toLowerCase(Locale.ROOT).equals("mysql");
    }
}
