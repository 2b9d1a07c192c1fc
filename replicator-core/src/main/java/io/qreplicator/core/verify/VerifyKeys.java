package io.qreplicator.core.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * A key's encoded values ({@link ChunkChecksum}: {@code n:}, {@code x:}, {@code s:}) as one line of
 * text and back: joined by commas, with {@code %}, comma, tab and newline escaped, so that a string
 * key holding any of them survives the request and results files.
 */
public final class VerifyKeys {
    private VerifyKeys() {
    }

    public static String join(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            sb.append(i > 0 ? "," : "").append(values.get(i).replace("%", "%25").replace(",", "%2C").replace("\t", "%09")
                    .replace("\n", "%0A").replace("\r", "%0D"));
        }
        return sb.toString();
    }

    public static List<String> split(String joined) {
        List<String> values = new ArrayList<>();
        if (joined.isEmpty()) {
            return values;
        }
        for (String v : joined.split(",", -1)) {
            values.add(v.replace("%0D", "\r").replace("%0A", "\n").replace("%09", "\t").replace("%2C", ",").replace("%25", "%"));
        }
        return values;
    }
}
