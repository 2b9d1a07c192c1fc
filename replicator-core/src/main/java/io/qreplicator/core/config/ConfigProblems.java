package io.qreplicator.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects problems while a config is read, so that one run reports all of them. */
public final class ConfigProblems {
    private final String file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    public ConfigProblems(String file) {
        this.file = file;
    }

    public void add(String path, int line, String message, String hint) {
        problems.add(new ConfigProblem(path, line, message, hint));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<ConfigProblem> list() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ConfigException} listing every problem, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(file, problems);
        }
    }

    public String file() {
        return file;
    }
}
