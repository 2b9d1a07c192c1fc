package io.qreplicator.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One MySQL/MariaDB server of the topology and how the agents log in to it.
 *
 * @param name         unique name other sections refer to
 * @param datacenter   name of the datacenter it runs in
 * @param host         host name or address
 * @param port         TCP port
 * @param user         account the agents use
 * @param passwordFile file holding that account's password (first line)
 * @param password     the password read from {@code passwordFile}
 * @param flavor       mariadb or mysql
 */
public record NodeConfig(String name, String datacenter, String host, int port, String user,
                         Path passwordFile, String password, Flavor flavor) {

    public enum Flavor { MARIADB, MYSQL }

    public HostPort address() {
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return name + " (" + user + "@" + address() + ")";
    }

    static NodeConfig read(ConfigNode n, Path baseDir) {
        String name = n.requiredString("name", "give each node a unique name, e.g. db1");
        String dc = n.requiredString("datacenter", "name the datacenter this node runs in");
        String host = n.requiredString("host", "the server's host name or address");
        int port = (int) n.integer("port", 3306, 1, 65535);
        String user = n.requiredString("user", "the account the agents log in with");
        String pwFile = n.requiredString("password-file", "a file holding the account's password, mode 0600");
        Flavor flavor = n.enumValue("flavor", Flavor.class, Flavor.MARIADB);
        n.finish();
        Path pw = pwFile == null ? null : baseDir.resolve(pwFile);
        String password = pw == null ? null : readPassword(n, pw);
        return new NodeConfig(name, dc, host, port, user, pw, password, flavor);
    }

    private static String readPassword(ConfigNode n, Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            String pw = nl >= 0 ? text.substring(0, nl) : text;
            return pw.endsWith("\r") ? pw.substring(0, pw.length() - 1) : pw;
        } catch (IOException e) {
            n.problem("password-file", "cannot read " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", "create it with the password on its first line, readable by the agent's user (chmod 600)");
            return null;
        }
    }
}
