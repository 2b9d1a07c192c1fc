/** How qrepl and its agents log: the format and level operators choose, set up before the first line. */
package io.qreplicator.cli.logging;
