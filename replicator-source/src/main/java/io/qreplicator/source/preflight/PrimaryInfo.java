package io.qreplicator.source.preflight;

/**
 * What the source learned about the primary before streaming.
 *
 * @param mariadb       true for MariaDB, false for MySQL
 * @param version       server version string
 * @param serverId      @@server_id
 * @param serverUuid    @@server_uuid (MySQL) or "" (MariaDB)
 */
public record PrimaryInfo(boolean mariadb, String version, long serverId, String serverUuid) {
}
