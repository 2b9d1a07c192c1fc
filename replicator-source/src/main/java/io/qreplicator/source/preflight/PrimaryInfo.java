package io.qreplicator.source.preflight;

/**
 * What the source learned about the primary before streaming.
 *
 * @param mariadb       true for MariaDB, false for MySQL
 * @param version       server version string
 * @param serverId      @@server_id
 * @param serverUuid    @@server_uuid (MySQL) or "" (MariaDB)
 * @param rowMetadata   @@binlog_row_metadata (NO_LOG, MINIMAL or FULL; NO_LOG where the server has no such variable)
 */
public record PrimaryInfo(boolean mariadb, String version, long serverId, String serverUuid, String rowMetadata) {
    /** True when every TABLE_MAP names its columns and key, so the schema history is not needed. */
    public boolean fullRowMetadata() {
        return "FULL".equalsIgnoreCase(rowMetadata);
    }
}
