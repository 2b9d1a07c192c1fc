package io.qreplicator.core.config;

/**
 * One thing wrong with a config file.
 *
 * @param path    key path such as {@code nodes[1].port}
 * @param line    1-based line in the file, 0 when unknown
 * @param message what is wrong
 * @param hint    how to fix it
 */
public record ConfigProblem(String path, int line, String message, String hint) {
    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ": " : "") + path + ": " + message + (hint.isEmpty() ? "" : "\n    hint: " + hint);
    }
}
