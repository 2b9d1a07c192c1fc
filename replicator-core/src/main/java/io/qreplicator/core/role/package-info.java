/** Which source of a pair ships: the role table that {@code qrepl switchover} writes and the agents follow. */
package io.qreplicator.core.role;
