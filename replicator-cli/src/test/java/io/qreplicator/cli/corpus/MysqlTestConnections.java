package io.qreplicator.cli.corpus;

import java.util.HashMap;
import java.util.Map;

/**
 * mysqltest's named connections of one file: "default" (the session the file was given) and those
 * it opens with {@code connect}, each a session of its own, as root or an account the file created; {@code connection} switches,
 * {@code disconnect} closes. The file's end closes what it opened. While the file has the server
 * down every connection is lost; once it is up again the current one reconnects (mysqltest's
 * include/start_mysqld.inc enables reconnecting for that), and the others stay lost.
 */
final class MysqlTestConnections {
    /** A connection's database as it was opened (null for none), and its account. */
    private record Login(String database, Session.Account account) {
        static final Login ROOT_IN_TEST = new Login("test", Session.Account.ROOT);
    }

    /**
     * A connection that is no more: every statement fails as on a lost connection (tests wait for
     * that, e.g. include/wait_until_disconnected.inc); a query for a value ends the file.
     */
    private static final class Lost implements Session {
        private final String error;
        private final String what;

        /** @param error what a statement on it gets; @param what the connection, as a query on it says */
        Lost(String error, String what) {
            this.error = error;
            this.what = what;
        }

        @Override
        public String execute(String sql) {
            return error;
        }

        @Override
        public String queryValue(String sql) throws SessionEndedException {
            throw new SessionEndedException("a query on " + what + ": " + MysqlTestTranslator.shorten(sql));
        }
    }

    /** The current session after the file disconnected it. */
    private static final Session CLOSED = new Lost("2006 not connected (the file disconnected this connection)",
            "a connection the file disconnected");
    /** A connection the server's shutdown cut. */
    private static final Session GONE = new Lost("2006 MySQL server has gone away (the file shut the server down)",
            "a connection the server's shutdown cut");

    /**
     * The server's refusals of a login that a file may expect ({@code --error} before {@code connect}):
     * no such account or password (1045), no access to the database (1044), no such database (1049).
     * Any other failure to connect is the runner's, and ends the file.
     */
    private static final java.util.Set<String> LOGIN_REFUSALS = java.util.Set.of("1044", "1045", "1049");

    private final Session.Opener opener;
    private final Session first;
    private final Map<String, Session> sessions = new HashMap<>();
    /** How each connection was opened: a reconnect logs in again so. */
    private final Map<String, Login> logins = new HashMap<>();
    private Session current;
    /** The current connection's name: mysqltest's {@code $CURRENT_CONNECTION} (kept after a disconnect of it, as there). */
    private String currentName = "default";

    MysqlTestConnections(Session first, Session.Opener opener) {
        this.opener = opener;
        this.first = first;
        this.current = first;
        sessions.put("default", first);
        logins.put("default", Login.ROOT_IN_TEST);
    }

    Session current() {
        return current;
    }

    String currentName() {
        return currentName;
    }

    /**
     * {@code connect (name, host, user, password, database, ...)}: another session on the primary,
     * which becomes current: root, or an account the file created, at host {@code localhost} (the
     * server's socket, as mysqltest connects) or {@code 127.0.0.1}. Other hosts, or anything past
     * the database (ports, sockets, options), are not modelled.
     *
     * @return null when connected, else why the server refused the login (the connection is not
     *         opened; with an {@code --error} before it, that is the file's expected outcome)
     */
    String connect(String arg, String at, MysqlTestVariables variables) throws Unmodelled {
        String a = arg.strip();
        if (a.startsWith("(") && a.endsWith(")")) {
            a = a.substring(1, a.length() - 1);
        }
        String[] p = a.split(",", -1);
        String name = variables.substitute(p[0], at, false).trim();
        String host = p.length > 1 ? MysqlTestVariables.unquote(variables.substitute(p[1], at, true).trim()) : "";
        String user = p.length > 2 ? MysqlTestVariables.unquote(variables.substitute(p[2], at, true).trim()) : "";
        String password = p.length > 3 ? MysqlTestVariables.unquote(variables.substitute(p[3], at, true).trim()) : "";
        String db = p.length > 4 ? MysqlTestVariables.unquote(variables.substitute(p[4], at, true).trim()) : "";
        if (!host.isEmpty() && !host.equals("localhost") && !host.equals("127.0.0.1")) {
            throw new Unmodelled(at + ": connect to host " + host + " (not modelled: only localhost and 127.0.0.1)");
        }
        for (int i = 5; i < p.length; i++) {
            boolean sameServer = i < 7 && p[i].matches("\\s*\\$(MASTER_MYPORT|MASTER_MYSOCK)\\s*");
            if (!p[i].isBlank() && !sameServer) {
                throw new Unmodelled(at + ": connect with port, socket or options (not modelled): " + MysqlTestTranslator.shorten(arg));
            }
        }
        if (sessions.containsKey(name)) {
            throw new Unmodelled(at + ": connect " + name + " twice");
        }
        String database = db.isEmpty() ? "test" : db.equals("*NO-ONE*") ? null : db;
        Session.Account account = user.isEmpty() || user.equals("root") ? Session.Account.ROOT
                : new Session.Account(user, password, !host.equals("127.0.0.1"));
        Session opened;
        try {
            opened = opener.open(database, account);
        } catch (Session.SessionEndedException e) {
            if (account.root() || !LOGIN_REFUSALS.contains(e.getMessage().split(" ", 2)[0])) {
                throw new Unmodelled(at + ": connect " + name + ": " + e.getMessage());
            }
            return e.getMessage();
        }
        current = opened;
        sessions.put(name, current);
        logins.put(name, new Login(database, account));
        currentName = name;
        return null;
    }

    void use(String name, String at) throws Unmodelled {
        Session s = sessions.get(name);
        if (s == null) {
            throw new Unmodelled(at + ": connection " + name + " was never opened here");
        }
        current = s;
        currentName = name;
    }

    /**
     * @param close false to leave the session to the caller (a statement it sent still runs on it)
     */
    void disconnect(String name, String at, boolean close) throws Unmodelled {
        Session s = sessions.get(name);
        if (s == null || name.equals("default")) {
            throw new Unmodelled(at + ": disconnect " + name + " (not a connection opened here)");
        }
        sessions.remove(name);
        logins.remove(name);
        if (close) {
            s.close();
        }
        if (s == current) {
            current = CLOSED;
        }
    }

    /**
     * Sessions on mysql-test-run's replica ({@code slave} of include/master-slave.inc), one per name: the standby
     * is the sink's, so what a file runs there runs nowhere. It succeeds without effect (the file's
     * writes that make a native replica differ, or fail, on purpose; its checks of what arrived, which
     * the runner makes after the file by comparing every table); a query for a value ends the file.
     */
    static final class Replica implements Session {
        @Override
        public String execute(String sql) {
            return null;
        }

        @Override
        public String queryValue(String sql) throws SessionEndedException {
            throw new SessionEndedException("a query on the replica's connection (not modelled: the standby is the sink's, and"
                    + " the runner compares it after the file): " + MysqlTestTranslator.shorten(sql));
        }
    }

    /** Whether {@code s} is a session on the replica ({@link Replica}). */
    static boolean onReplica(Session s) {
        return s instanceof Replica;
    }

    /**
     * include/master-slave.inc: the connections of a primary and its replica, {@code master},
     * {@code master1} and {@code server_1} root sessions on the primary, {@code slave}, {@code slave1}
     * and {@code server_2} on the replica ({@link Replica}); {@code master} becomes current.
     */
    void replicaPair(String at) throws Unmodelled {
        for (String name : java.util.List.of("master", "master1", "server_1", "slave", "slave1", "server_2")) {
            if (sessions.containsKey(name)) {
                throw new Unmodelled(at + ": include/master-slave.inc with a connection " + name + " already open");
            }
        }
        for (String name : java.util.List.of("master", "master1", "server_1")) {
            if (sessions.containsKey(name)) {
                throw new Unmodelled(at + ": include/master-slave.inc with a connection " + name + " already open");
            }
            try {
                sessions.put(name, opener.open("test"));
            } catch (Session.SessionEndedException e) {
                throw new Unmodelled(at + ": connect " + name + ": " + e.getMessage());
            }
            logins.put(name, Login.ROOT_IN_TEST);
        }
        for (String name : java.util.List.of("slave", "slave1", "server_2")) {
            sessions.put(name, new Replica());
            logins.put(name, Login.ROOT_IN_TEST);
        }
        current = sessions.get("master");
        currentName = "master";
    }

    /** The server went down: every connection is lost. */
    void serverGone() {
        sessions.replaceAll((name, s) -> {
            if (onReplica(s)) {
                return s; // another server: the primary's restart does not touch it
            }
            if (s != first) {
                s.close();
            }
            return GONE;
        });
        if (current != CLOSED) {
            current = GONE;
        }
    }

    /** The server is up again: the current connection reconnects, in the database it was opened in. */
    void serverBack(String at) throws Unmodelled {
        if (current != GONE || !sessions.containsKey(currentName)) {
            return;
        }
        try {
            Login login = logins.get(currentName);
            current = opener.open(login.database(), login.account());
        } catch (Session.SessionEndedException e) {
            throw new Unmodelled(at + ": reconnecting " + currentName + " after the restart: " + e.getMessage());
        }
        sessions.put(currentName, current);
    }

    /** Each open session. */
    void forEach(java.util.function.Consumer<Session> each) {
        sessions.values().forEach(each);
    }

    /** The session of that name, or null. */
    Session named(String name) {
        return sessions.get(name);
    }

    /** Closes the sessions the file opened, reconnected ones included (not the one it was given). */
    void close() {
        sessions.forEach((name, s) -> {
            if (s != first) {
                s.close();
            }
        });
    }
}
