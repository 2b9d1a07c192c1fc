/** The qrepl command line: one entry point for operators. */
package io.qreplicator.cli;
