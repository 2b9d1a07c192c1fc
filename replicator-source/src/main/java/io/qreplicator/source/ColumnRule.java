package io.qreplicator.source;

import io.qreplicator.core.config.ConfigNode;

import java.util.List;

/**
 * Sensitive columns of some tables (a {@code filters.columns[]} entry).
 *
 * @param tables {@code schema.table} globs the rule applies to
 * @param drop   columns never shipped: the standby keeps the column's default
 * @param mask   columns shipped as a keyed one-way digest (HMAC-SHA256 with the filter's mask key):
 *               equal values stay equal, so keys and unique indexes still work on the standby
 */
public record ColumnRule(List<String> tables, List<String> drop, List<String> mask) {
    public ColumnRule {
        tables = List.copyOf(tables);
        drop = List.copyOf(drop);
        mask = List.copyOf(mask);
    }

    static ColumnRule read(ConfigNode n) {
        List<String> tables = n.strings("tables");
        if (tables.isEmpty()) {
            n.problem("tables", "required key is missing", "the schema.table globs this rule applies to, e.g. payments.cards");
        }
        List<String> drop = n.strings("drop");
        List<String> mask = n.strings("mask");
        if (drop.isEmpty() && mask.isEmpty()) {
            n.problem(null, "the rule neither drops nor masks a column", "add drop: [...] or mask: [...]");
        }
        n.finish();
        return new ColumnRule(tables, drop, mask);
    }
}
