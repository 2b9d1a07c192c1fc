package io.qreplicator.source;

import io.qreplicator.core.config.ConfigNode;

/**
 * What the source leaves out of the stream.
 *
 * @param mysqlSchema       replicate the {@code mysql} system schema (default false: accounts and
 *                          system tables differ between datacenters)
 * @param accountManagement replicate CREATE USER, GRANT and friends (default false)
 * @param triggers          replicate CREATE/DROP TRIGGER (default false: the standby receives the
 *                          rows the triggers wrote, and a trigger there would write them twice)
 */
public record FilterConfig(boolean mysqlSchema, boolean accountManagement, boolean triggers) {
    public static final FilterConfig DEFAULTS = new FilterConfig(false, false, false);

    public static FilterConfig read(ConfigNode n) {
        FilterConfig f = new FilterConfig(
                n.bool("mysql-schema", false),
                n.bool("account-management", false),
                n.bool("triggers", false));
        n.finish();
        return f;
    }
}
