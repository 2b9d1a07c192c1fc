/**
 * The DR audit report ({@code qrepl report}): per link and period, the bytes the primary's binlog
 * wrote, what the link shipped and carried, transactions and GTIDs, lag and the RPO it implies,
 * and the verify runs and drills of the period, from the agents' per-minute accounting files.
 */
package io.qreplicator.cli.report;
