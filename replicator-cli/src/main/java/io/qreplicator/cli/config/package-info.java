/** The whole config file: topology plus every agent and link, cross-checked. */
package io.qreplicator.cli.config;
