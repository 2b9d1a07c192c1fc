package io.qreplicator.cli.random;

/** One generated statement and its shape. */
public record Sql(Shape shape, String text) {
}
