package io.qreplicator.sink.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the ITs that drive a {@link StatementPipeline} on a real standby share. */
final class PipelineTesting {
    private PipelineTesting() {
    }

    /** The check of a row statement by key: it must affect one row; {@code what} names it ("UPDATE `db`.`t`"). */
    static StatementPipeline.Check oneRow(String what) {
        return new StatementPipeline.Check() {
            @Override
            public boolean expected(int affected) {
                return affected == 1;
            }

            @Override
            public DivergenceException unexpected(int affected) {
                return new DivergenceException(what + " affected " + affected + " rows, not 1");
            }

            @Override
            public DivergenceException collision(String serverMessage) {
                return new DivergenceException(serverMessage);
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    /** A counter of {@code SHOW SESSION STATUS} on {@code c} ({@code Com_savepoint}, ...). */
    static long sessionStatus(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE '" + name + "'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
