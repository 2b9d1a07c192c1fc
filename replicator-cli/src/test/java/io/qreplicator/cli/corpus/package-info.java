/** A differential test over MariaDB's own mysql-test corpus: its SQL replayed through a primary, both agents and a standby, every table compared. */
package io.qreplicator.cli.corpus;
