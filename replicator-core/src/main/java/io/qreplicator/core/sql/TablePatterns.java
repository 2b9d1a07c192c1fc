package io.qreplicator.core.sql;

import java.util.regex.Pattern;

/**
 * The table patterns an operator gives {@code qrepl verify} and {@code qrepl provision}
 * ({@code --tables shop.orders}, {@code shop.*}, {@code *.audit}, several separated by commas):
 * {@code *} stands for any characters, the rest is literal; matched against {@code schema.table},
 * ignoring case. Empty matches every table.
 */
public final class TablePatterns {
    private TablePatterns() {
    }

    public static Pattern of(String globs) {
        if (globs.isBlank()) {
            return Pattern.compile(".*");
        }
        StringBuilder re = new StringBuilder();
        for (String part : globs.split(",")) {
            re.append(re.length() > 0 ? "|" : "").append("(?:");
            for (String lit : part.trim().split("\\*", -1)) {
                re.append(Pattern.quote(lit)).append(".*");
            }
            re.setLength(re.length() - 2);
            re.append(')');
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
