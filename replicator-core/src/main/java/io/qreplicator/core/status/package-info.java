/** What a running agent publishes about itself for `qrepl status`. */
package io.qreplicator.core.status;
