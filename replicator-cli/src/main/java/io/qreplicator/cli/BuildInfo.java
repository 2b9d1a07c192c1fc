package io.qreplicator.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The release, commit and build time of this build, from {@code qreplicator-build.properties} (written
 * by the build from git): what {@code qrepl --version} prints and every agent logs at start, so that
 * a log line or a bug report names exactly the code that ran.
 */
public final class BuildInfo implements CommandLine.IVersionProvider {
    private static final Properties PROPS = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/qreplicator-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // unknown build: the version line says so
        }
        return p;
    }

    /** One line: {@code qrepl 0.1.0 (commit 1a2b3c4, built 2026-12-03T10:45:00Z)}. */
    public static String describe() {
        String version = PROPS.getProperty("git.build.version", "unknown version");
        String commit = PROPS.getProperty("git.commit.id.abbrev", "unknown commit");
        if ("true".equals(PROPS.getProperty("git.dirty"))) {
            commit += " with uncommitted changes";
        }
        return "qrepl " + version + " (commit " + commit + ", built " + PROPS.getProperty("git.build.time", "at an unknown time") + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[]{describe(), "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
