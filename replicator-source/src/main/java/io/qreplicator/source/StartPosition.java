package io.qreplicator.source;

/**
 * Where a source with an empty spool starts: {@code current} (the primary's position now, the
 * default), {@code earliest} (the oldest binlog the primary still has), {@code gtid:STATE} or
 * {@code file:NAME:POS}. Used once: the position it resolves to is spooled as the first record,
 * and from then on the spool alone says where to resume.
 */
public sealed interface StartPosition {
    record Current() implements StartPosition {
    }

    record Earliest() implements StartPosition {
    }

    record Gtid(String state) implements StartPosition {
    }

    record File(String name, long position) implements StartPosition {
    }

    static StartPosition parse(String s) {
        if (s.equals("current")) {
            return new Current();
        }
        if (s.equals("earliest")) {
            return new Earliest();
        }
        if (s.startsWith("gtid:") && s.length() > 5) {
            return new Gtid(s.substring(5));
        }
        if (s.startsWith("file:")) {
            int colon = s.lastIndexOf(':');
            if (colon > 5) {
                try {
                    return new File(s.substring(5, colon), Long.parseLong(s.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a start position");
    }
}
