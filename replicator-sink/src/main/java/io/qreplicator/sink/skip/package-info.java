/** What an operator tells a stopped sink to pass over ({@code qrepl sink skip}), and how it is recorded. */
package io.qreplicator.sink.skip;
