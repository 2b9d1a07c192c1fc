package io.qreplicator.sink.apply;

import io.qreplicator.core.sql.ExecutableComments;
import io.qreplicator.core.sql.Secrets;
import io.qreplicator.core.sql.SqlToken;
import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.sink.standby.SinkRefusedException;

import java.util.List;

/**
 * Account statements ({@code filters.account-management: true}) as the standby must run them: for
 * the account that ran them on the primary, never for the sink's own, and without their secrets in
 * any message.
 *
 * <p>Invariant: an account statement changes on the standby the accounts it changed on the primary.
 * The sink's connection is logged in as the sink's account, so wherever a statement means "the
 * current user" it would mean the sink: {@code GRANT ... TO CURRENT_USER}, {@code ALTER USER
 * CURRENT_USER() IDENTIFIED BY ...} (the sink would change its own password), and a {@code CREATE
 * ROLE} without {@code WITH ADMIN}, whose admin is its creator. A native replica runs such a
 * statement for the account the binlog names with it (Q_INVOKER, carried as
 * {@link io.qreplicator.core.model.Statement#INVOKER}); the sink writes that account into the
 * statement instead: CURRENT_USER becomes it, and a new role is granted to it as its admin
 * ({@link #forStandby}).
 * Where the binlog names no account (MariaDB logs none with {@code GRANT role TO CURRENT_USER} or
 * {@code REVOKE role FROM CURRENT_USER}) or names a role ({@code CURRENT_ROLE}), the sink cannot tell
 * whom the statement meant, and stops, naming it. It stops too on a password set for CURRENT_USER
 * ({@code ALTER USER CURRENT_USER() IDENTIFIED BY ...}): MariaDB 10.11 logs it but leaves the
 * password as it was, and with the account named the standby would change it.
 *
 * <p>Such statements hold passwords in clear: whatever shows them goes through
 * {@link io.qreplicator.core.sql.Secrets#masked}.
 */
final class AccountStatements {
    private AccountStatements() {
    }

    /**
     * What the standby runs for an account statement.
     *
     * @param sql        the statement, for the account it ran for on the primary
     * @param adminGrant for a role created on MariaDB, the grant of its admin to run after it; else null
     * @param ifMissing  for a CREATE ROLE IF NOT EXISTS, the role's name (unquoted): if the role is
     *                   there before it runs, it changes nothing, and no admin is granted; else null
     */
    record ForStandby(String sql, String adminGrant, String ifMissing) {
        ForStandby(String sql, String adminGrant) {
            this(sql, adminGrant, null);
        }
    }

    /**
     * {@code sql} as the standby runs it for {@code invoker} ({@code 'user'@'host'}, or null when the
     * binlog named none); any other statement as it is.
     *
     * <p>A role created on a MariaDB standby: MariaDB lets only a role's admin grant it, whatever else
     * an account may do, and a native replica's applier needs no such right. The sink creates the role
     * without a {@code WITH ADMIN} clause, so that it is an admin itself and can apply the role's later
     * grants, then grants the role {@code WITH ADMIN OPTION} to the admin the primary gave it (the
     * clause's, or the invoker): the standby's role has the primary's admin, and the sink's account
     * as one more (docs/compatibility.md).
     *
     * @throws SinkRefusedException when it names the current user or role and the binlog does not say whom
     */
    static ForStandby forStandby(String sql, String invoker, boolean mariadb, String txId) {
        if (StatementKind.of(sql) != StatementKind.ACCOUNT) {
            return new ForStandby(sql, null);
        }
        String forInvoker = currentUser(sql, invoker, txId);
        if (!mariadb) {
            return new ForStandby(forInvoker, null);
        }
        List<SqlToken> t = SqlToken.all(ExecutableComments.open(forInvoker)); // same length: positions are those of forInvoker
        int role = createdRole(t);
        if (role < 0) {
            return new ForStandby(forInvoker, null);
        }
        String admin = invoker;
        String created = forInvoker;
        for (int j = role + 1; j + 2 < t.size(); j++) {
            if (t.get(j).isWord("WITH") && t.get(j + 1).isWord("ADMIN")) {
                // only the clause's tokens go: an executable comment's end, a comment after it, stay as they are
                int end = j + 2;
                if (end + 2 < t.size() && t.get(end + 1).isSymbol("@")) {
                    end += 2;
                    while (end + 2 < t.size() && adjacent(t, end) && t.get(end + 1).isSymbol(".") && adjacent(t, end + 1)
                            && t.get(end + 2).kind() == SqlToken.Kind.WORD) {
                        end += 2; // an unquoted host name or address: bob@db1.example.com, bob@127.0.0.1
                    }
                }
                admin = forInvoker.substring(t.get(j + 2).start(), t.get(end).end());
                String rest = forInvoker.substring(t.get(end).end());
                created = rest.isBlank() ? forInvoker.substring(0, t.get(j).start()).stripTrailing()
                        : forInvoker.substring(0, t.get(j).start()) + rest;
                break;
            }
        }
        boolean ifNotExists = role >= 3 && t.get(role - 1).isWord("EXISTS") && t.get(role - 2).isWord("NOT") && t.get(role - 3).isWord("IF");
        SqlToken name = t.get(role);
        String unquoted = name.kind() == SqlToken.Kind.STRING ? name.text().substring(1, name.text().length() - 1).replace("''", "'")
                : name.name();
        return new ForStandby(created, admin == null ? null : "GRANT " + name.text() + " TO " + admin + " WITH ADMIN OPTION",
                ifNotExists ? unquoted : null);
    }

    /** Token {@code i} is followed by the next with nothing between them. */
    private static boolean adjacent(List<SqlToken> t, int i) {
        return t.get(i).end() == t.get(i + 1).start();
    }

    /** {@code sql} with every CURRENT_USER the invoker. */
    private static String currentUser(String sql, String invoker, String txId) {
        List<SqlToken> t = SqlToken.all(ExecutableComments.open(sql)); // same length: positions are those of sql
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            SqlToken k = t.get(i);
            if (k.isWord("CURRENT_ROLE") || k.isWord("CURRENT_USER") && invoker == null) {
                throw new Refused("account statement of transaction " + txId + " names " + k.text().toUpperCase(java.util.Locale.ROOT)
                        + ", and the primary's binlog does not say which " + (k.isWord("CURRENT_ROLE") ? "role" : "account")
                        + " it stood for there: run here it would name the sink's own account. Run it on the standby by hand"
                        + " with the account or role named (the primary's mysql.global_priv and mysql.roles_mapping show the"
                        + " result), then pass the transaction over: qrepl sink skip --seq N --gtid G --reason ... with the seq"
                        + " and GTID above (docs/troubleshooting.md).\n  statement: " + Secrets.masked(sql), false);
            }
            if (k.isWord("CURRENT_USER") && t.stream().anyMatch(w -> w.isWord("IDENTIFIED"))) {
                throw new Refused("account statement of transaction " + txId + " sets a password for CURRENT_USER: MariaDB"
                        + " (10.11) logs such a statement but does not change the password of CURRENT_USER, whoever runs it, and"
                        + " with the account named the standby would change it. Compare the account's password hash on both"
                        + " sides (SELECT priv FROM mysql.global_priv WHERE user = ...), make the standby's what the primary's is,"
                        + " then pass the transaction over: qrepl sink skip --seq N --gtid G --reason ... with the seq and GTID"
                        + " above (docs/troubleshooting.md).\n  statement: " + Secrets.masked(sql), false);
            }
            if (k.isWord("CURRENT_USER")) {
                int end = k.end();
                if (i + 2 < t.size() && t.get(i + 1).isSymbol("(") && t.get(i + 2).isSymbol(")")) {
                    end = t.get(i + 2).end();
                    i += 2;
                }
                out.append(sql, copied, k.start()).append(invoker);
                copied = end;
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /**
     * The index of the role's name in [SET STATEMENT ... FOR] CREATE [OR REPLACE] ROLE [IF NOT EXISTS]
     * name ..., or -1 for another statement.
     */
    private static int createdRole(List<SqlToken> t) {
        int i = 0;
        if (is(t, 0, "SET") && is(t, 1, "STATEMENT")) {
            while (i < t.size() && !(t.get(i).isWord("FOR") && is(t, i + 1, "CREATE"))) {
                i++;
            }
            i++;
        }
        if (!is(t, i++, "CREATE")) {
            return -1;
        }
        if (is(t, i, "OR") && is(t, i + 1, "REPLACE")) {
            i += 2;
        }
        if (!is(t, i++, "ROLE")) {
            return -1;
        }
        if (is(t, i, "IF") && is(t, i + 1, "NOT") && is(t, i + 2, "EXISTS")) {
            i += 3;
        }
        return i < t.size() ? i : -1;
    }

    /**
     * An account statement the sink will not apply, or not wholly: it stops the sink. Unlike a
     * statement that went through on the standby where it had failed on the primary, it leaves no
     * "diverged" record: run again, it is refused again, or completed.
     */
    static final class Refused extends SinkRefusedException {
        private final boolean ran;

        /** @param ran the statement ran on the standby, and only what follows it (its role's admin) did not */
        Refused(String message, boolean ran) {
            super(message, null);
            this.ran = ran;
        }

        boolean ran() {
            return ran;
        }
    }

    private static boolean is(List<SqlToken> t, int i, String word) {
        return i < t.size() && t.get(i).isWord(word);
    }
}
