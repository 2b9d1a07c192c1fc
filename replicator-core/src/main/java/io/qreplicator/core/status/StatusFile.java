package io.qreplicator.core.status;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * A small key=value file an agent rewrites (atomically, by rename) about once a second in its data
 * dir, so that {@code qrepl status} on the same host can show positions without talking to the
 * agent. Absent or stale means the agent is not running; the file's {@code updated-at} tells.
 */
public final class StatusFile {
    public static final String FILE_NAME = "status.properties";

    private StatusFile() {
    }

    public static Path in(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /** Writes {@code values} (numbers, booleans and texts) as properties, each value as its text. */
    public static void write(Path dataDir, Map<String, ?> values) throws IOException {
        Properties p = new Properties();
        values.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        p.setProperty("updated-at", Long.toString(System.currentTimeMillis()));
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        try {
            Files.move(tmp, in(dataDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, in(dataDir), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The values last written, empty if the agent never ran here. */
    public static Map<String, String> read(Path dataDir) throws IOException {
        return PropertiesFiles.read(in(dataDir));
    }
}
