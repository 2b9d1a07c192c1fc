package io.qreplicator.source.assemble;

import java.util.regex.Pattern;

/** Globs of the filter config ({@code *}, {@code ?}) as case-insensitive patterns over {@code schema.table}. */
final class ChangeFilterPatterns {
    private ChangeFilterPatterns() {
    }

    static Pattern of(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            re.append(switch (ch) {
                case '*' -> "[^.]*";
                case '?' -> "[^.]";
                default -> Pattern.quote(String.valueOf(ch));
            });
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
