package io.qreplicator.sink.apply;

import io.qreplicator.core.sql.SqlToken;

import java.util.List;

/**
 * Recognises the statements {@code qrepl verify --repair} sends through the stream (the source's
 * {@code RowRepair}: {@code /* qrepl verify --repair, run R *}{@code / REPLACE INTO `s`.`t` ...} or
 * {@code DELETE FROM `s`.`t` ...}): rows written with SQL like the sink's own, so they are held to
 * the same rules (no table with triggers on the standby).
 */
final class VerifyRepairs {
    static final String PREFIX = "/* qrepl verify --repair";

    private VerifyRepairs() {
    }

    /** {schema, table} of a repair statement, or null for any other statement. */
    static String[] table(String sql) {
        if (!sql.startsWith(PREFIX)) {
            return null;
        }
        List<SqlToken> t = SqlToken.all(sql);
        for (int i = 0; i + 3 < t.size(); i++) {
            if ((t.get(i).isWord("INTO") || t.get(i).isWord("FROM")) && t.get(i + 1).kind() == SqlToken.Kind.QUOTED_NAME
                    && t.get(i + 2).isSymbol(".") && t.get(i + 3).kind() == SqlToken.Kind.QUOTED_NAME) {
                return new String[] {t.get(i + 1).name(), t.get(i + 3).name()};
            }
        }
        return null;
    }
}
