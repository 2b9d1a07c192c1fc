/** How an agent starts quickly: the class archive its later starts map instead of loading classes from jars. */
package io.qreplicator.cli.startup;
