package io.qreplicator.cli.corpus;

import java.util.HashMap;
import java.util.Map;

/**
 * mysqltest's named connections of one file: "default" (the session the file was given) and those
 * it opens with {@code connect}, each a root session of its own; {@code connection} switches,
 * {@code disconnect} closes. The file's end closes what it opened.
 */
final class MysqlTestConnections {
    /**
     * The current session after the file disconnected it: every statement fails as on a lost
     * connection (tests wait for that, e.g. include/wait_until_disconnected.inc); a query for a
     * value ends the file.
     */
    private static final Session CLOSED = new Session() {
        @Override
        public String execute(String sql) {
            return "2006 not connected (the file disconnected this connection)";
        }

        @Override
        public String queryValue(String sql) throws SessionEndedException {
            throw new SessionEndedException("a query on a connection the file disconnected: " + MysqlTestTranslator.shorten(sql));
        }
    };

    private final Session.Opener opener;
    private final Map<String, Session> sessions = new HashMap<>();
    private Session current;

    MysqlTestConnections(Session first, Session.Opener opener) {
        this.opener = opener;
        this.current = first;
        sessions.put("default", first);
    }

    Session current() {
        return current;
    }

    /**
     * {@code connect (name, host, user, password, database, ...)}: another root session on the
     * primary, which becomes current. Another user (privileges), or anything past the database
     * (ports, sockets, options), is not modelled.
     */
    void connect(String arg, String at, MysqlTestVariables variables) throws Unmodelled {
        String a = arg.strip();
        if (a.startsWith("(") && a.endsWith(")")) {
            a = a.substring(1, a.length() - 1);
        }
        String[] p = a.split(",", -1);
        String name = variables.substitute(p[0], at, false).trim();
        String user = p.length > 2 ? variables.substitute(p[2], at, true).trim() : "root";
        String db = p.length > 4 ? variables.substitute(p[4], at, true).trim() : "";
        if (!user.isEmpty() && !user.equals("root")) {
            throw new Unmodelled(at + ": connect as " + user + " (only root sessions are modelled)");
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
        try {
            current = opener.open(db.isEmpty() ? "test" : db.equals("*NO-ONE*") ? null : db);
        } catch (Session.SessionEndedException e) {
            throw new Unmodelled(at + ": connect " + name + ": " + e.getMessage());
        }
        sessions.put(name, current);
    }

    void use(String name, String at) throws Unmodelled {
        Session s = sessions.get(name);
        if (s == null) {
            throw new Unmodelled(at + ": connection " + name + " was never opened here");
        }
        current = s;
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
        if (close) {
            s.close();
        }
        if (s == current) {
            current = CLOSED;
        }
    }

    /** Each open session. */
    void forEach(java.util.function.Consumer<Session> each) {
        sessions.values().forEach(each);
    }

    /** The session of that name, or null. */
    Session named(String name) {
        return sessions.get(name);
    }

    /** Closes the sessions the file opened (not the one it was given). */
    void close() {
        sessions.forEach((name, s) -> {
            if (!name.equals("default")) {
                s.close();
            }
        });
    }
}
