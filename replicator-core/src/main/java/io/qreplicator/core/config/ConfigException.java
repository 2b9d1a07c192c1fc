package io.qreplicator.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used, with every problem found in it. */
public class ConfigException extends RuntimeException {
    private final String file;
    private final List<ConfigProblem> problems;

    public ConfigException(String file, List<ConfigProblem> problems) {
        super(format(file, problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String file, List<ConfigProblem> problems) {
        return file + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
