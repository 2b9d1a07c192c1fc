package io.qreplicator.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project's shared fixtures folder ({@code shared/} beside the repository), read in
 * place and never copied into the repo. {@code QREPL_SHARED_DIR} overrides the search.
 */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    public static Optional<Path> mysqlBinlogs() {
        String override = System.getenv("QREPL_SHARED_DIR");
        if (override != null) {
            Path p = Path.of(override, "fixtures", "mysql-binlog");
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("fixtures").resolve("mysql-binlog");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
