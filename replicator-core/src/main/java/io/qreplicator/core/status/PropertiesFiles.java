package io.qreplicator.core.status;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The small key=value files through which {@code qrepl} and the agents on one host hand each other
 * requests and results (verify, provision, failover). A reader never sees half a file, and a
 * crash leaves the old one or the new one ({@link DurableFiles}).
 */
public final class PropertiesFiles {
    private PropertiesFiles() {
    }

    /** Writes {@code values} to {@code file} atomically and durably ({@link DurableFiles}), creating its directory. */
    public static void write(Path file, Map<String, String> values, String comment) throws IOException {
        Properties p = new Properties();
        p.putAll(values);
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, comment);
        DurableFiles.replace(file, w.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The file's values, sorted by key; empty when there is no such file. */
    public static Map<String, String> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }
}
