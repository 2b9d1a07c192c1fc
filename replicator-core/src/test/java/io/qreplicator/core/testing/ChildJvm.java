package io.qreplicator.core.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line for a test's own class in a separate JVM (a real process, so that a test can
 * SIGKILL it): this JVM's java, class path and the flags Chronicle needs (module opens, its
 * system properties), which the build passes to the test JVM.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java <this JVM's module and Chronicle flags> <jvmOptions> -cp <this JVM's class path> mainClass args}. */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass, List<String> args) {
        return command(jvmOptions, System.getProperty("java.class.path"), mainClass, args);
    }

    /** The same with another class path (the packaged jars, say). */
    public static List<String> command(List<String> jvmOptions, String classPath, Class<?> mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Dfile.encoding")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }
}
