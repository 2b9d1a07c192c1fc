package io.qreplicator.source.role;

import io.qreplicator.core.status.PropertiesFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The last role change this source acted on ({@code DATA_DIR/role.properties}): an activation
 * whose start position is already spooled is not spooled again after a restart, and a stand-down
 * already reached is not looked for again in the binlog.
 *
 * @param epoch  the role change's epoch
 * @param active whether it was an activation
 */
public record RoleMemory(long epoch, boolean active) {
    public static final String FILE = "role.properties";

    /** Null when the source never acted on a role change. */
    public static RoleMemory read(Path dataDir) throws IOException {
        Map<String, String> m = PropertiesFiles.read(dataDir.resolve(FILE));
        if (m.isEmpty()) {
            return null;
        }
        return new RoleMemory(Long.parseLong(m.get("epoch")), Boolean.parseBoolean(m.get("active")));
    }

    public void write(Path dataDir) throws IOException {
        PropertiesFiles.write(dataDir.resolve(FILE), Map.of("epoch", Long.toString(epoch), "active", Boolean.toString(active)),
                "qreplicator source: the last role change acted on");
    }
}
