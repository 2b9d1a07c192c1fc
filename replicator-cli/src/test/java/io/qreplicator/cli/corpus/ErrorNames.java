package io.qreplicator.cli.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mysqltest's {@code $mysql_errname}: the symbolic name of the last statement's error
 * ({@code ER_DUP_ENTRY} for 1062), empty after a statement that succeeded, {@code <Unknown>} for a
 * code without a name, as mysqltest sets it. The names come from MariaDB's own {@code perror},
 * asked once per code.
 */
final class ErrorNames {
    private static final Pattern NAME = Pattern.compile("error code \\d+ \\(([A-Z][A-Z0-9_]*)\\)");
    private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();

    private ErrorNames() {
    }

    /** @param code the error's number, "0" for none */
    static String of(String code) {
        if (code.equals("0")) {
            return "";
        }
        return KNOWN.computeIfAbsent(code, ErrorNames::ask);
    }

    private static String ask(String code) {
        try {
            Process p = new ProcessBuilder("perror", code).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = NAME.matcher(out);
            return m.find() ? m.group(1) : "<Unknown>";
        } catch (IOException e) {
            throw new IllegalStateException("perror (MariaDB's, for $mysql_errname) could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking perror for error " + code, e);
        }
    }
}
