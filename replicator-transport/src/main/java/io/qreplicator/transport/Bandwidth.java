package io.qreplicator.transport;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a bandwidth into bytes per second: bits with {@code bit}, {@code bps} or {@code b}
 * ({@code 20Mbit}, {@code 512kbit/s}, {@code 100Mb}), bytes with {@code B} ({@code 2MB}, decimal)
 * or {@code iB} ({@code 1MiB}, binary); {@code 0} means no cap.
 */
public final class Bandwidth {
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgG]?)(bit|bps|b|B|iB)?(?:/s)?");

    private Bandwidth() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static long parse(String text) {
        String s = text.strip();
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = RATE.matcher(s);
        if (!m.matches() || m.group(3) == null || (m.group(3).equals("iB") && m.group(2).isEmpty())) {
            throw new IllegalArgumentException("'" + text + "' is not a bandwidth (e.g. 20Mbit, 512kbit, 2MB, 1MiB; 0 for no cap)");
        }
        String unit = m.group(3);
        boolean binary = unit.equals("iB");
        double multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> binary ? 1024 : 1000;
            case "m" -> binary ? 1024 * 1024 : 1_000_000;
            case "g" -> binary ? 1024.0 * 1024 * 1024 : 1_000_000_000;
            default -> 1;
        };
        boolean bytes = unit.equals("B") || binary;
        long bytesPerSecond = (long) (Double.parseDouble(m.group(1)) * multiplier / (bytes ? 1 : 8));
        if (bytesPerSecond < 1024) {
            throw new IllegalArgumentException("'" + text + "' is below 1KiB/s (8.2kbit), too low for a link");
        }
        return bytesPerSecond;
    }
}
