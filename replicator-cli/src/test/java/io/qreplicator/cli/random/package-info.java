/** A seeded generator of random transactions, DDL and edge values, and the runner that plays them on a primary. */
package io.qreplicator.cli.random;
