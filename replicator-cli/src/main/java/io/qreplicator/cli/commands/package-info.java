/** One class per qrepl command. */
package io.qreplicator.cli.commands;
