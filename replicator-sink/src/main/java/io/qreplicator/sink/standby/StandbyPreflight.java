package io.qreplicator.sink.standby;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Checks the standby before applying: it is read-only for everyone else (unless the config says
 * otherwise), and the sink's own account may still write (READ_ONLY ADMIN on MariaDB), which
 * creating the checkpoint table proves.
 */
public final class StandbyPreflight {
    private StandbyPreflight() {
    }

    public static void check(Connection c, StandbyConnections standby, CheckpointTable checkpoints, boolean requireReadOnly) {
        String where = "standby " + standby.node().name() + " (" + standby.node().address() + ")";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            if (requireReadOnly && !rs.getBoolean(1)) {
                throw new SinkRefusedException(where + " is writable by everyone (read_only=OFF): readers could change it"
                        + " behind the sink's back. Run SET GLOBAL read_only=ON and put read_only=ON in its my.cnf, or set"
                        + " require-read-only: false for this sink if you really mean it", null);
            }
        } catch (SQLException e) {
            throw new SinkRefusedException("cannot check read_only on " + where + ": " + e.getMessage(), e);
        }
        try {
            checkpoints.create(c);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1290 || e.getErrorCode() == 1142 || e.getErrorCode() == 1044) {
                throw new SinkRefusedException("user '" + standby.node().user() + "' cannot write to " + where + ": "
                        + e.getMessage() + ". The sink's account needs to write despite read_only: GRANT READ_ONLY ADMIN,"
                        + " ALL PRIVILEGES ON *.* TO '" + standby.node().user() + "'@'...'", e);
            }
            throw new SinkRefusedException("cannot create the checkpoint table " + checkpoints.qualifiedName() + " on "
                    + where + ": " + e.getMessage(), e);
        }
    }
}
