package io.qreplicator.sink.standby;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the standby before applying: it is read-only for everyone else (unless the config says
 * otherwise), it has no foreign keys that cascade (unless the config accepts them: the primary does
 * not log the rows a cascade changes and the sink does not re-run it, so the standby would keep
 * them), and the sink's own account may still write (READ_ONLY ADMIN on MariaDB), which creating the
 * checkpoint table proves.
 */
public final class StandbyPreflight {
    private StandbyPreflight() {
    }

    public static void check(Connection c, StandbyConnections standby, CheckpointTable checkpoints, boolean requireReadOnly,
                             boolean allowCascadingForeignKeys) {
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
        if (!allowCascadingForeignKeys) {
            refuseCascadingForeignKeys(c, where);
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

    private static void refuseCascadingForeignKeys(Connection c, String where) {
        List<String> found = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE"
                        + " FROM information_schema.REFERENTIAL_CONSTRAINTS"
                        + " WHERE DELETE_RULE NOT IN ('RESTRICT', 'NO ACTION') OR UPDATE_RULE NOT IN ('RESTRICT', 'NO ACTION')"
                        + " ORDER BY 1, 2, 3")) {
            while (rs.next()) {
                String rules = (cascades(rs.getString(5)) ? " ON DELETE " + rs.getString(5) : "")
                        + (cascades(rs.getString(6)) ? " ON UPDATE " + rs.getString(6) : "");
                found.add(rs.getString(1) + "." + rs.getString(2) + " (" + rs.getString(3) + " -> " + rs.getString(4) + rules + ")");
            }
        } catch (SQLException e) {
            throw new SinkRefusedException("cannot read the foreign keys of " + where + ": " + e.getMessage(), e);
        }
        if (!found.isEmpty()) {
            throw new SinkRefusedException(where + " has foreign keys that cascade: " + String.join(", ",
                    found.subList(0, Math.min(5, found.size()))) + (found.size() > 5 ? " and " + (found.size() - 5) + " more" : "")
                    + ". The primary does not log the rows a cascade changes, and the sink applies without re-running"
                    + " cascades, so the standby would keep rows the primary removed or changed. Replicate schemas without"
                    + " cascading foreign keys, or, if the cascades never fire (e.g. ON UPDATE CASCADE on keys that never"
                    + " change), set allow-cascading-foreign-keys: true for this sink", null);
        }
    }

    private static boolean cascades(String rule) {
        return !"RESTRICT".equals(rule) && !"NO ACTION".equals(rule);
    }
}
