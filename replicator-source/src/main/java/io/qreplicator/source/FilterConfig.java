package io.qreplicator.source;

import io.qreplicator.core.config.ConfigNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the source leaves out of the stream.
 *
 * @param mysqlSchema       replicate the {@code mysql} system schema (default false: accounts and
 *                          system tables differ between datacenters)
 * @param accountManagement replicate CREATE USER, GRANT and friends (default false)
 * @param triggers          replicate CREATE/DROP TRIGGER (default false: the standby receives the
 *                          rows the triggers wrote, and a trigger there would write them twice)
 * @param include           {@code schema.table} globs to replicate; empty means all
 * @param exclude           {@code schema.table} globs to leave out, applied after {@code include}
 * @param dml               replicate row changes
 * @param ddl               replicate DDL statements
 * @param columns           columns dropped or masked, per table
 * @param maskKey           the secret key of masking digests (from {@code mask-key-file}); empty without masks
 */
public record FilterConfig(boolean mysqlSchema, boolean accountManagement, boolean triggers,
                           List<String> include, List<String> exclude, boolean dml, boolean ddl,
                           List<ColumnRule> columns, byte[] maskKey) {
    public static final FilterConfig DEFAULTS = new FilterConfig(false, false, false, List.of(), List.of(), true, true);

    public FilterConfig {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        columns = List.copyOf(columns);
        maskKey = maskKey.clone();
    }

    public FilterConfig(boolean mysqlSchema, boolean accountManagement, boolean triggers,
                        List<String> include, List<String> exclude, boolean dml, boolean ddl) {
        this(mysqlSchema, accountManagement, triggers, include, exclude, dml, ddl, List.of(), new byte[0]);
    }

    public FilterConfig(boolean mysqlSchema, boolean accountManagement, boolean triggers) {
        this(mysqlSchema, accountManagement, triggers, List.of(), List.of(), true, true);
    }

    public static FilterConfig read(ConfigNode n, java.nio.file.Path baseDir) {
        boolean mysqlSchema = n.bool("mysql-schema", false);
        boolean accounts = n.bool("account-management", false);
        boolean triggers = n.bool("triggers", false);
        List<String> include = globs(n, "include");
        List<String> exclude = globs(n, "exclude");
        List<String> kinds = n.has("kinds") ? n.strings("kinds") : List.of("dml", "ddl");
        for (String k : kinds) {
            if (!Set.of("dml", "ddl").contains(k.toLowerCase(Locale.ROOT))) {
                n.problem("kinds", "'" + k + "' is not an event kind", "use dml, ddl or both");
            }
        }
        List<ColumnRule> columns = new ArrayList<>();
        for (ConfigNode c : n.sections("columns")) {
            columns.add(ColumnRule.read(c));
        }
        byte[] key = new byte[0];
        String keyFile = n.string("mask-key-file", null);
        boolean masks = columns.stream().anyMatch(r -> !r.mask().isEmpty());
        if (masks && keyFile == null) {
            n.problem("mask-key-file", "masked columns need a secret key", "point mask-key-file at a file of 32+ random bytes"
                    + " (head -c 32 /dev/urandom > mask.key; chmod 600), the same for every source of the cluster");
        } else if (keyFile != null) {
            try {
                key = java.nio.file.Files.readAllBytes(baseDir.resolve(keyFile));
                if (key.length < 16) {
                    n.problem("mask-key-file", "the key in " + keyFile + " is only " + key.length + " bytes", "use at least 16 random bytes, 32 is better");
                }
            } catch (java.io.IOException e) {
                n.problem("mask-key-file", "cannot read " + keyFile + " (" + e.getMessage() + ")", "create it with: head -c 32 /dev/urandom > FILE; chmod 600 FILE");
            }
        }
        n.finish();
        return new FilterConfig(mysqlSchema, accounts, triggers, include, exclude,
                kinds.stream().anyMatch(k -> k.equalsIgnoreCase("dml")), kinds.stream().anyMatch(k -> k.equalsIgnoreCase("ddl")),
                columns, key);
    }

    private static List<String> globs(ConfigNode n, String key) {
        List<String> out = new ArrayList<>();
        for (String g : n.strings(key)) {
            if (!g.matches("[^.]+\\.[^.]+")) {
                n.problem(key, "'" + g + "' is not a schema.table pattern", "write e.g. shop.orders, shop.*, *.audit_log");
            }
            out.add(g);
        }
        return out;
    }
}
