package io.qreplicator.core.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A MySQL 8.0 server in a container for the suites that need MySQL's flavour, or none where no
 * Docker engine runs (as on the project's own machines): those suites then skip, saying why.
 */
public final class Mysql8 {
    private Mysql8() {
    }

    /** A started server with these options on its command line, or null where there is no Docker engine. */
    public static MySQLContainer startOrNull(String... serverOptions) {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            return null;
        }
        MySQLContainer mysql = new MySQLContainer("mysql:8.0.36").withCommand(serverOptions);
        mysql.start();
        return mysql;
    }

    /** Skips the calling test when {@link #startOrNull} found no Docker engine; {@code skipped} says what and why. */
    public static void assumeStarted(MySQLContainer mysql, String skipped) {
        assumeTrue(mysql != null, "no Docker engine here: " + skipped);
    }

    public static void stop(MySQLContainer mysql) {
        if (mysql != null) {
            mysql.stop();
        }
    }
}
