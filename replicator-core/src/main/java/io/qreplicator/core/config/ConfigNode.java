package io.qreplicator.core.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping of the config, read key by key with its path and line number.
 *
 * <p>Getters never throw for bad user input: they record a {@link ConfigProblem} (key path, line,
 * what is wrong, how to fix it) and return the default, so one run reports every problem. A key
 * the reader never asked for is an unknown key: {@link #finish()} reports it with the closest
 * known key as a hint. Nothing the user wrote wrong is silently replaced by a default.
 */
public final class ConfigNode {
    private final String path;
    private final MappingNode node;
    private final ConfigProblems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> asked = new LinkedHashSet<>();

    private ConfigNode(String path, MappingNode node, ConfigProblems problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        if (node != null) {
            for (NodeTuple t : node.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    problems.add(path, line(t.getKeyNode()), "keys must be plain words", "");
                    continue;
                }
                if (entries.put(k.getValue(), t) != null) {
                    problems.add(child(k.getValue()), line(k), "key appears twice", "keep one of them");
                }
            }
        }
    }

    /** Parses YAML text whose top level must be a mapping; a syntax error is a problem at its line. */
    public static ConfigNode parse(String text, ConfigProblems problems) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported by us, with the path
            Node root = new Yaml(options).compose(new StringReader(text));
            if (root == null) {
                problems.add("(top)", 1, "the file is empty", "start from conf/qreplicator.example.yaml or `qrepl init`");
                return new ConfigNode("", null, problems);
            }
            if (!(root instanceof MappingNode m)) {
                problems.add("(top)", line(root), "the top level must be a mapping of keys", "see docs/configuration.md");
                return new ConfigNode("", null, problems);
            }
            return new ConfigNode("", m, problems);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            problems.add("(yaml)", line, "not valid YAML: " + e.getProblem(), "check indentation and quoting near that line");
            return new ConfigNode("", null, problems);
        }
    }

    public String path() {
        return path;
    }

    public int line() {
        return node == null ? 0 : line(node);
    }

    public ConfigProblems problems() {
        return problems;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Records a problem about {@code key} of this mapping (at its line when it is present). */
    public void problem(String key, String message, String hint) {
        NodeTuple t = entries.get(key);
        problems.add(key == null ? path : child(key), t == null ? line() : line(t.getKeyNode()), message, hint);
    }

    private Optional<ScalarNode> scalar(String key, String expected) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        Node v = t.getValueNode();
        if (v instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return Optional.of(s);
        }
        problems.add(child(key), line(v), "expected " + expected + ", got " + describe(v), "");
        return Optional.empty();
    }

    public String requiredString(String key, String hint) {
        Optional<ScalarNode> s = scalar(key, "a string");
        if (s.isEmpty() && !entries.containsKey(key)) {
            problems.add(child(key), line(), "required key is missing", hint);
        }
        return s.map(ScalarNode::getValue).orElse(null);
    }

    public String string(String key, String defaultValue) {
        return scalar(key, "a string").map(ScalarNode::getValue).orElse(defaultValue);
    }

    public long integer(String key, long defaultValue, long min, long max) {
        Optional<ScalarNode> s = scalar(key, "an integer");
        if (s.isEmpty()) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(s.get().getValue().replace("_", ""));
            if (v < min || v > max) {
                problems.add(child(key), line(s.get()), "value " + v + " is out of range", "use a value from " + min + " to " + max);
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(child(key), line(s.get()), "expected an integer, got '" + s.get().getValue() + "'", "");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<ScalarNode> s = scalar(key, "true or false");
        if (s.isEmpty()) {
            return defaultValue;
        }
        return switch (s.get().getValue()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(child(key), line(s.get()), "expected true or false, got '" + s.get().getValue() + "'", "");
                yield defaultValue;
            }
        };
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    public Duration duration(String key, Duration defaultValue) {
        return parsed(key, defaultValue, "a duration like 500ms, 10s, 5m", ConfigNode::parseDuration);
    }

    /** A byte size such as {@code 512}, {@code 64KiB}, {@code 10MiB}, {@code 2GiB}. */
    public long bytes(String key, long defaultValue) {
        return parsed(key, defaultValue, "a size like 64KiB, 10MiB, 2GiB", ConfigNode::parseBytes);
    }

    public HostPort hostPort(String key, HostPort defaultValue) {
        return parsed(key, defaultValue, "HOST:PORT", HostPort::parse);
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Optional<ScalarNode> s = scalar(key, "one of " + choices(type));
        if (s.isEmpty()) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().replace('_', '-').equalsIgnoreCase(s.get().getValue())) {
                return e;
            }
        }
        problems.add(child(key), line(s.get()), "'" + s.get().getValue() + "' is not allowed", "use one of " + choices(type));
        return defaultValue;
    }

    private static <E extends Enum<E>> String choices(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(word(e));
        }
        return String.join(", ", names);
    }

    /** How the config file spells {@code value} ({@code ZSTD_STREAM} is {@code zstd-stream}), whatever the locale. */
    public static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A scalar turned into a value by {@code parser}; an IllegalArgumentException becomes a problem. */
    public <T> T parsed(String key, T defaultValue, String expected, Function<String, T> parser) {
        Optional<ScalarNode> s = scalar(key, expected);
        if (s.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(s.get().getValue());
        } catch (IllegalArgumentException e) {
            problems.add(child(key), line(s.get()), e.getMessage(), "expected " + expected);
            return defaultValue;
        }
    }

    /** A nested mapping; an absent key gives an empty mapping, so its defaults apply. */
    public ConfigNode section(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return new ConfigNode(child(key), null, problems);
        }
        if (t.getValueNode() instanceof MappingNode m) {
            return new ConfigNode(child(key), m, problems);
        }
        problems.add(child(key), line(t.getValueNode()), "expected a mapping of keys, got " + describe(t.getValueNode()), "");
        return new ConfigNode(child(key), null, problems);
    }

    /** A list of mappings; absent gives an empty list. */
    public List<ConfigNode> sections(String key) {
        List<ConfigNode> out = new ArrayList<>();
        for (Node item : sequence(key)) {
            String p = child(key) + "[" + out.size() + "]";
            if (item instanceof MappingNode m) {
                out.add(new ConfigNode(p, m, problems));
            } else {
                problems.add(p, line(item), "expected a mapping of keys, got " + describe(item), "");
                out.add(new ConfigNode(p, null, problems));
            }
        }
        return out;
    }

    /** A list of strings; a single string is accepted as a list of one. Absent gives an empty list. */
    public List<String> strings(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        if (t != null && t.getValueNode() instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return List.of(s.getValue());
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        for (Node item : sequence(key)) {
            if (item instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
                out.add(s.getValue());
            } else {
                problems.add(child(key) + "[" + i + "]", line(item), "expected a string, got " + describe(item), "");
            }
            i++;
        }
        return out;
    }

    private List<Node> sequence(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return List.of();
        }
        if (t.getValueNode() instanceof SequenceNode s) {
            return s.getValue();
        }
        problems.add(child(key), line(t.getValueNode()), "expected a list, got " + describe(t.getValueNode()), "write it as a YAML list (- item)");
        return List.of();
    }

    /** Reports every key of this mapping that no getter asked for. Call once all fields are read. */
    public void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!asked.contains(e.getKey())) {
                String close = closest(e.getKey());
                problems.add(child(e.getKey()), line(e.getValue().getKeyNode()), "unknown key",
                        close == null ? "known keys here: " + String.join(", ", asked) : "did you mean '" + close + "'?");
            }
        }
    }

    private String closest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String k : asked) {
            int d = editDistance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.length()];
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(n)) {
            return "nothing";
        }
        return "'" + ((ScalarNode) n).getValue() + "'";
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    public static Duration parseDuration(String s) {
        String v = s.trim();
        if (v.equals("0")) {
            return Duration.ZERO; // no unit needed for nothing
        }
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1).trim());
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("'" + s + "' has no unit");
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("'" + s + "' is not a duration");
        }
    }

    /** A size like 64KiB, 10MiB, 2GiB or a plain number of bytes; IllegalArgumentException naming the value otherwise. */
    public static long parseBytes(String s) {
        String v = s.trim();
        long mult = 1;
        String[][] units = {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"TiB", "1099511627776"},
                {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"B", "1"}};
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new IllegalArgumentException("'" + s + "' is negative");
            }
            return Math.multiplyExact(n, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + s + "' is not a size");
        }
    }
}
