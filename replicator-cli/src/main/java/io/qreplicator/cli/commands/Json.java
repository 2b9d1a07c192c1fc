package io.qreplicator.cli.commands;

import java.util.Collection;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as JSON, for {@code --json} outputs. */
public final class Json {
    private Json() {
    }

    /** Indented, for people reading {@code --json} output. */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 0, false);
        return sb.toString();
    }

    /** On one line, for line-oriented consumers (one object per line). */
    public static String line(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 0, true);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, boolean compact) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            sb.append("{");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(i++ > 0 ? "," : "").append(compact ? "" : breakAt(indent + 1));
                string(sb, String.valueOf(e.getKey()));
                sb.append(compact ? ":" : ": ");
                write(sb, e.getValue(), indent + 1, compact);
            }
            sb.append(m.isEmpty() ? "" : (compact ? "" : breakAt(indent))).append("}");
        } else if (v instanceof Collection<?> c) {
            sb.append("[");
            int i = 0;
            for (Object o : c) {
                sb.append(i++ > 0 ? "," : "").append(compact ? "" : breakAt(indent + 1));
                write(sb, o, indent + 1, compact);
            }
            sb.append(c.isEmpty() ? "" : (compact ? "" : breakAt(indent))).append("]");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, v.toString());
        }
    }

    private static String breakAt(int indent) {
        return "\n" + "  ".repeat(indent);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
