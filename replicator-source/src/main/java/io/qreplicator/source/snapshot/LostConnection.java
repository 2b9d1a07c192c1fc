package io.qreplicator.source.snapshot;

import io.qreplicator.source.preflight.SourceRefusedException;

import java.io.IOException;
import java.sql.SQLException;

/**
 * The one question verify and provisioning runs ask of an error on their own connection to the
 * primary: is it the connection that is gone (the server restarting, the network), which they ride
 * out by starting again later, or anything else, which stops them?
 */
public final class LostConnection {
    /** Server errors that mean the connection or the server went away: shutdown in progress, killed, gone, lost. */
    private static final java.util.Set<Integer> LOST = java.util.Set.of(1053, 1927, 2006, 2013, 1040);

    private LostConnection() {
    }

    public static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SourceRefusedException r) {
                // could not connect: only a refused login is not transient
                return r.getCause() instanceof SQLException s && s.getErrorCode() != 1045;
            }
            if (c instanceof IOException) {
                return true;
            }
            if (c instanceof SQLException s && (LOST.contains(s.getErrorCode())
                    || io.qreplicator.core.sql.DriverErrors.isConnectionFailure(s))) {
                return true;
            }
        }
        return false;
    }
}
