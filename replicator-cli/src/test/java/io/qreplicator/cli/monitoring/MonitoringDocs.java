package io.qreplicator.cli.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's monitoring files, as the tests read them: docs/metrics.md, the alert rules, the dashboard. */
public final class MonitoringDocs {
    private static final Pattern NAME = Pattern.compile("qreplicator_[a-z0-9_]+");

    private MonitoringDocs() {
    }

    /** The repository's root, from the module's directory the tests run in. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs").resolve("metrics.md"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The metric names in the first column of docs/metrics.md's table. */
    public static Set<String> documented() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(root().resolve("docs/metrics.md"))) {
            if (line.startsWith("| `qreplicator_")) {
                Matcher m = NAME.matcher(line.substring(0, line.indexOf('|', 2)));
                if (m.find()) {
                    out.add(m.group());
                }
            }
        }
        return out;
    }

    /** Every {@code qreplicator_*} name that appears in a file. */
    public static Set<String> used(Path file) throws IOException {
        Set<String> out = new TreeSet<>();
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
