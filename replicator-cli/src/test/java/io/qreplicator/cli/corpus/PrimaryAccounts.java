package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The primary's accounts and roles as the runner found them, and dropping those a file left.
 *
 * <p>mysql-test files create accounts to log in as ({@code CREATE USER}, {@code GRANT ... TO}) and
 * mysql-test-run checks after each test that they are gone. The runner does not trust a file to
 * drop them: an account left would let a later file's {@code connect} log in where it expects a
 * refusal, and a role would change what a later {@code GRANT} means. After every file it drops each
 * account and role the primary did not have when the pair started. Accounts are not replicated by
 * default, so these drops reach no standby (they are in the binlog, and the source's filter passes
 * over them, as it passed over the file's CREATE USER).
 */
final class PrimaryAccounts {
    private record Account(String user, String host, boolean role) {
        String sql() {
            return role ? "DROP ROLE " + quote(user) : "DROP USER " + quote(user) + "@" + quote(host);
        }
    }

    private final Set<Account> taken;

    private PrimaryAccounts(Set<Account> taken) {
        this.taken = taken;
    }

    /** The primary's accounts and roles now. */
    static PrimaryAccounts take(MariaDbServer primary) throws SQLException {
        return new PrimaryAccounts(read(primary));
    }

    /**
     * Drops each account and role the file left.
     *
     * @return null when none is left, else those that could not be dropped and why
     */
    String restore(MariaDbServer primary) throws SQLException {
        List<String> refused = new ArrayList<>();
        Set<Account> now = read(primary);
        now.removeAll(taken);
        if (now.isEmpty()) {
            return null;
        }
        try (Connection c = primary.rootConnection(); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = ''");
            for (Account a : now) {
                try {
                    st.execute(a.sql());
                } catch (SQLException e) {
                    refused.add(a.sql() + ": " + e.getMessage());
                }
            }
        }
        return refused.isEmpty() ? null : String.join("; ", refused);
    }

    private static Set<Account> read(MariaDbServer primary) throws SQLException {
        Set<Account> accounts = new LinkedHashSet<>();
        try (Connection c = primary.rootConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT user, host, is_role FROM mysql.user")) {
            while (rs.next()) {
                accounts.add(new Account(rs.getString(1), rs.getString(2), "Y".equals(rs.getString(3))));
            }
        }
        return accounts;
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
