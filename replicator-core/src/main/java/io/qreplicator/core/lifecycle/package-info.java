/** The one lifecycle every long-running part of an agent follows. */
package io.qreplicator.core.lifecycle;
