package io.qreplicator.cli.commands;

import io.qreplicator.core.config.HostPort;

import io.qreplicator.transport.security.LinkCredentials;

import java.nio.file.Path;
import java.time.LocalDate;

/** The commented config {@code qrepl init} writes for one primary/standby pair. */
final class ConfigTemplate {
    static final int DEFAULT_LINK_PORT = 4750;

    /** The agents' names in the generated config. */
    static final String SOURCE = "shard0-source";
    static final String SINK = "shard0-sink";

    record Params(String cluster, HostPort primary, HostPort standby, String user, Path passwordFile, Path dataDir,
                  HostPort link, LinkCredentials tls) {
    }

    private ConfigTemplate() {
    }

    static String render(Params p) {
        return """
                # Qreplicator configuration, written by `qrepl init` on %s.
                # Every key is described in docs/configuration.md; check edits with:
                #   qrepl config check -c <this file>
                version: 1
                cluster: %s                  # name of this cluster, part of every link's identity

                datacenters:
                  - name: dc1                     # where the primary runs
                  - name: dc2                     # the disaster-recovery site

                nodes:                            # database servers the agents log in to
                  - name: primary
                    datacenter: dc1
                    host: %s
                    port: %d
                    user: %s
                    password-file: %s   # first line is the password; keep it chmod 600
                    flavor: mariadb               # mariadb or mysql
                  - name: standby
                    datacenter: dc2
                    host: %s
                    port: %d
                    user: %s                      # needs READ_ONLY ADMIN to write to the read-only standby
                    password-file: %s
                    flavor: mariadb

                shards:
                  - name: shard0
                    primary: primary
                    standbys: [standby]

                routing: []                       # reserved for shard routing rules; keep empty

                sources:                          # each runs as: qrepl source run -c FILE --name NAME
                  - name: shard0-source
                    node: primary
                    data-dir: %s         # spool and status.properties
                    start-position: current       # first start only: current | earliest | gtid:STATE | file:NAME:POS
                    # server-id: 4100             # default: derived from cluster and source name
                    server-heartbeat-interval: 5s # the primary's heartbeat on the binlog connection; 3 missed = reconnect
                    heartbeat: {enabled: true, interval: 1s, schema: qreplicator}  # lag rows written on the primary
                    reconnect: {min-delay: 1s, max-delay: 30s}
                    row-images: minimal           # UPDATE: key + changed columns, DELETE: key; or full
                    chunk-bytes: 8MiB             # larger transactions travel in parts: bounded memory
                    spool: {max-age: 24h, max-bytes: 10GiB}   # retention of records the sink acknowledged
                    filters:
                      include: []                 # schema.table globs to replicate; empty = everything
                      exclude: []                 # e.g. [shop.tmp_*, "*.audit_log"]
                      kinds: [dml, ddl]
                      # columns:                  # sensitive columns, never shipped in clear:
                      #   - {tables: [payments.cards], drop: [cvv], mask: [pan]}
                      # mask-key-file: /etc/qreplicator/mask.key
                      mysql-schema: false         # the mysql system schema stays out
                      account-management: false  # CREATE USER, GRANT... stay out: accounts differ per datacenter
                      triggers: false             # triggers stay out: their rows arrive anyway

                sinks:                            # each runs as: qrepl sink run -c FILE --name NAME
                  - name: shard0-sink
                    node: standby
                    data-dir: %s           # spool and status.properties
                    metadata-schema: qreplicator  # where the checkpoint table lives on the standby
                    require-read-only: true       # refuse a standby others can write to
                    spool: {max-age: 24h, max-bytes: 10GiB}   # retention of records already applied
                    apply: {workers: 4, merge-max-transactions: 200, on-divergence: stop, lock-wait-timeout: 10s}

                links:                            # one per source/sink pair
                  - source: shard0-source
                    sink: shard0-sink
                    address: %s          # where the sink listens and the source connects
                    # listen: 0.0.0.0:%d         # bind address of the sink if it differs from address
                    compression: zstd-stream      # zstd-stream, zstd, lz4 or none (docs/benchmarks.md)
                    zstd-level: 3
                    max-batch-bytes: 1MiB
                    batch-wait: 5ms               # at most one partial batch per this long; 0: every batch at once
                    max-inflight-bytes: 16MiB
                    heartbeat-interval: 2s
                    peer-timeout: 10s
                    # max-bandwidth: 20Mbit       # cap on the source's sending (TLS included); lag grows instead
                    tls:                          # TLS 1.3, each end shows its certificate (CN = agent name)
                      ca: %s
                      source-cert: %s
                      source-key: %s
                      sink-cert: %s
                      sink-key: %s
                    token-file: %s   # shared secret, checked by the sink
                """.formatted(LocalDate.now(), p.cluster(), p.primary().host(), p.primary().port(), p.user(),
                p.passwordFile(), p.standby().host(), p.standby().port(), p.user(), p.passwordFile(),
                p.dataDir().resolve("source"), p.dataDir().resolve("sink"), p.link(), p.link().port(),
                p.tls().ca(), p.tls().cert(SOURCE), p.tls().key(SOURCE), p.tls().cert(SINK), p.tls().key(SINK), p.tls().token());
    }
}
