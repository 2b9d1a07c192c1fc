/** Reading the YAML config: path-aware typed access, collected problems, and the shared topology. */
package io.qreplicator.core.config;
