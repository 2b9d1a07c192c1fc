package io.qreplicator.sink.failover;

import io.qreplicator.core.model.PrimaryTriggers;

import io.qreplicator.core.verify.ChunkChecksum;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the primary's triggers the sink kept ({@link io.qreplicator.sink.standby.KeptTriggers}) on
 * a standby being promoted, each as the primary had it: its own statement (with its DEFINER) in its
 * sql_mode and connection collation, with its schema as the current database. The statement is sent
 * in utf8mb4, so the trigger's {@code character_set_client} reads utf8mb4 where the primary's may
 * name another; its text is the same.
 *
 * <p>A trigger is created once: one of the same name already there (a failover run again, or one
 * made by hand) is left as it is and said to be the same or to differ. The server logs no
 * {@code PRECEDES}/{@code FOLLOWS} in a trigger's statement: the order the primary had is kept by
 * creating them in its action order, each after those before it. What fails is reported, never
 * retried in a loop.
 */
public final class TriggerCreation {
    /** What became of one trigger. */
    public enum Result { CREATED, SAME_THERE, OTHER_THERE, FAILED }

    public record Outcome(PrimaryTriggers.Trigger trigger, Result result, String detail) {
    }

    private static final int TRIGGER_EXISTS = 1359;

    private TriggerCreation() {
    }

    /** Creates {@code triggers} on {@code c} (a standby not yet writable to applications) in order. */
    public static List<Outcome> create(Connection c, List<PrimaryTriggers.Trigger> triggers) throws SQLException {
        Map<PrimaryTriggers.Trigger, Outcome> done = new LinkedHashMap<>();
        triggers.forEach(t -> done.put(t, null));
        String mode;
        String collation;
        String catalog = c.getCatalog();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@session.sql_mode, @@session.collation_connection")) {
            rs.next();
            mode = rs.getString(1);
            collation = rs.getString(2);
        }
        try {
            for (PrimaryTriggers.Trigger t : triggers) {
                done.put(t, createOne(c, t));
            }
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?, collation_connection = ?")) {
                ps.setString(1, mode);
                ps.setString(2, collation);
                ps.execute();
            }
            if (catalog != null) {
                c.setCatalog(catalog);
            }
        }
        return new ArrayList<>(done.values());
    }

    private static Outcome createOne(Connection c, PrimaryTriggers.Trigger t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?, collation_connection = ?")) {
            ps.setString(1, t.sqlMode());
            ps.setString(2, t.collationConnection());
            ps.execute();
        } catch (SQLException e) {
            return new Outcome(t, Result.FAILED, e.getErrorCode() + ": cannot set its sql_mode or collation: " + e.getMessage());
        }
        try {
            c.setCatalog(t.schema());
            try (Statement st = c.createStatement()) {
                st.execute(t.statement());
            }
            return new Outcome(t, Result.CREATED, "");
        } catch (SQLException e) {
            if (e.getErrorCode() == TRIGGER_EXISTS) {
                String there = statementThere(c, t);
                return there.equals(t.statement()) ? new Outcome(t, Result.SAME_THERE, "already there")
                        : new Outcome(t, Result.OTHER_THERE, "a trigger of that name is there with another definition; left as it is");
            }
            return new Outcome(t, Result.FAILED, e.getErrorCode() + ": " + e.getMessage());
        }
    }

    private static String statementThere(Connection c, PrimaryTriggers.Trigger t) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE TRIGGER " + ChunkChecksum.quote(t.schema()) + "."
                + ChunkChecksum.quote(t.name()))) {
            return rs.next() ? rs.getString("SQL Original Statement") : "";
        }
    }

}
