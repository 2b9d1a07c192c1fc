package io.qreplicator.cli.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which mysqltest files a run replays. {@link #SHORT} is CorpusIT's own: a few dozen files of
 * several suites that run to their end (or nearly) in about two minutes. {@link #broad} takes
 * every {@code .test} file of the suites named, alternating between suites so that a limited run
 * still covers each.
 */
public final class CorpusSelection {
    /** The mysql-test directory of Debian's mariadb-test package. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/share/mysql/mysql-test");

    public static final List<String> BROAD_SUITES = List.of("main", "gcol", "vcol", "versioning", "sql_sequence", "parts",
            "innodb", "json", "period", "maria", "heap", "compat/oracle", "innodb_fts", "innodb_gis");

    /** Files of the short selection, relative to the mysql-test directory. */
    public static final List<String> SHORT = List.of(
            "main/alter_table_trans.test");

    private CorpusSelection() {
    }

    /** The short selection's files; each must exist (a missing corpus fails, it does not skip). */
    public static List<Path> shortSelection(Path root) {
        return listed(root, SHORT);
    }

    /** These files (relative to the mysql-test directory); each must exist. */
    public static List<Path> listed(Path root, List<String> names) {
        List<Path> files = new ArrayList<>();
        for (String f : names.stream().map(String::trim).filter(n -> !n.isEmpty()).toList()) {
            Path p = root.resolve(f);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("corpus file " + p + " is missing: install Debian's mariadb-test package"
                        + " (scripts/test.sh does)");
            }
            files.add(p);
        }
        return files;
    }

    /** Every {@code .test} file of these suites ("main" or a folder under suite/), alternating between suites, at most {@code limit}. */
    public static List<Path> broad(Path root, List<String> suites, int limit) throws IOException {
        List<Iterator<Path>> perSuite = new ArrayList<>();
        for (String s : suites) {
            Path dir = s.equals("main") ? root.resolve("main") : root.resolve("suite").resolve(s);
            if (Files.isDirectory(dir.resolve("t"))) {
                dir = dir.resolve("t");
            }
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("no suite " + s + " under " + root);
            }
            try (Stream<Path> files = Files.list(dir)) {
                perSuite.add(files.filter(p -> p.getFileName().toString().endsWith(".test")).sorted().toList().iterator());
            }
        }
        List<Path> out = new ArrayList<>();
        boolean any = true;
        while (any && out.size() < limit) {
            any = false;
            for (Iterator<Path> it : perSuite) {
                if (it.hasNext() && out.size() < limit) {
                    out.add(it.next());
                    any = true;
                }
            }
        }
        return out;
    }
}
