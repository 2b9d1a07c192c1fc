package io.qreplicator.cli.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a mysqltest file may write, as mysql-test-run's {@code var} directory: one directory of
 * the runner's ({@code $MYSQLTEST_VARDIR}) with {@code tmp} ({@code $MYSQL_TMP_DIR}) and
 * {@code std_data} (the corpus's own data files, read only), emptied before each file. mysqltest's
 * file commands run here, and so does {@code SELECT ... INTO OUTFILE} to a path in it, so a file's
 * {@code LOAD DATA} reads what it wrote, as in mysql-test-run; file names relative to the server's
 * data directory are made names here ({@link #mapPaths}).
 *
 * <p>Invariant: nothing is written outside this directory. A write to the server's data directory
 * in particular (a table made by copying its files, which tests of old formats do) never reaches
 * the binlog: the primary would hold a table the standby cannot have, so such a file ends there,
 * with the reason, like any other thing the runner does not model. Reads may come from anywhere.
 */
final class MysqlTestFiles {
    /** What asks the primary where its data directory is, to name it when a write goes there (null: unknown). */
    interface DataDirectory {
        String path();
    }

    /** A file command's result: its error text, or null when it did what was asked. */
    /** @param written the file a write_file, append_file or write_line wrote to, else null */
    record Result(String error, Path written) {
        static final Result OK = new Result(null, null);

        Result(String error) {
            this(error, null);
        }
    }

    private static final Pattern OUTFILE = Pattern.compile("\\binto\\s+(?:outfile|dumpfile)\\s+(['\"])(.*?)\\1",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final java.util.Set<String> COMMANDS = java.util.Set.of("write_file", "append_file", "write_line", "remove_file",
            "file_exists", "cat_file", "copy_file", "move_file", "mkdir", "rmdir", "remove_files_wildcard", "copy_files_wildcard",
            "list_files", "list_files_write_file", "list_files_append_file", "diff_files", "chmod");

    private final Path vardir;
    private final Path root;

    private MysqlTestFiles(Path vardir, Path root) {
        this.vardir = vardir;
        this.root = root;
    }

    /**
     * The directory {@code vardir}, made if needed.
     *
     * @param root the mysql-test directory, whose {@code std_data} the file's may read
     */
    static MysqlTestFiles in(Path vardir, Path root) throws IOException {
        Path v = Files.createDirectories(vardir).toRealPath();
        return new MysqlTestFiles(v, root.toAbsolutePath().normalize());
    }

    /** The variables mysql-test-run sets for these directories. */
    Map<String, String> variables() {
        return Map.of("MYSQLTEST_VARDIR", vardir.toString(), "MYSQL_TMP_DIR", vardir.resolve("tmp").toString(),
                "MYSQL_TEST_DIR", root.toString());
    }

    /** Empties the directory for the next file: a fresh {@code tmp}, and {@code std_data} linked to the corpus's. */
    void fresh() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(vardir)) {
            for (Path e : entries) {
                if (Files.isSymbolicLink(e)) {
                    Files.delete(e); // never into what it points at
                } else {
                    deleteTree(e);
                }
            }
        }
        Files.createDirectories(vardir.resolve("tmp"));
        if (Files.isDirectory(root.resolve("std_data"))) {
            Files.createSymbolicLink(vardir.resolve("std_data"), root.resolve("std_data"));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static final Pattern SERVER_FILE = Pattern.compile("\\b(local\\s+)?(infile|outfile|dumpfile)\\s+(['\"])([^'\"]*)\\3",
            Pattern.CASE_INSENSITIVE);

    /**
     * {@code sql} with the server-side file names of LOAD DATA INFILE and INTO OUTFILE/DUMPFILE that
     * are relative to the server's data directory laid out as mysql-test-run lays it out
     * ({@code var/mysqld.1/data}) made the same files in this directory: {@code ../../std_data/} and
     * {@code ../../tmp/} are under it, and a bare name (the current database's directory there) goes
     * to {@code tmp}. The test's data directory is not this server's, and what a test writes must
     * not land there ({@link #fresh}). A LOCAL file is the client's, read as written.
     */
    String mapPaths(String sql) {
        Matcher m = SERVER_FILE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = m.group(4);
            String mapped = null;
            if (m.group(1) == null) {
                if (path.startsWith("../../std_data/") || path.startsWith("../../tmp/")) {
                    mapped = vardir.resolve(path.substring("../../".length())).toString();
                } else if (!path.isEmpty() && !path.contains("/")) {
                    mapped = vardir.resolve("tmp").resolve(path).toString();
                }
            }
            String replacement = mapped == null ? m.group() : m.group().substring(0, m.start(4) - m.start())
                    + mapped + m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * True when {@code sql} writes its INTO OUTFILE/DUMPFILE into this directory (an absolute path
     * in it); a relative path lands in the server's data directory.
     */
    boolean outfileInside(String sql) {
        Matcher m = OUTFILE.matcher(sql);
        boolean any = false;
        while (m.find()) { // every one of them (a routine's body may hold several)
            Path p = Path.of(m.group(2));
            if (!p.isAbsolute() || !writable(p)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /**
     * True when {@code p} is in this directory and not in the corpus's data linked into it. A path
     * with {@code ..} is not: the server and the file system follow the {@code std_data} link before
     * they go up, where a normalised path would not.
     */
    private boolean writable(Path p) {
        for (Path name : p) {
            if (name.toString().equals("..")) {
                return false;
            }
        }
        Path n = p.toAbsolutePath().normalize();
        return n.startsWith(vardir) && !n.startsWith(vardir.resolve("std_data"));
    }

    /**
     * Runs a mysqltest file command.
     *
     * @param word the command
     * @param args its arguments, variables substituted
     * @param body the lines of data of write_file and append_file
     * @param charset the one the test file was read in, in which body is written back
     */
    Result run(String word, List<String> given, String body, java.nio.charset.Charset charset, String at, DataDirectory datadir)
            throws Unmodelled {
        List<String> args = fromDataDirectory(given, datadir);
        try {
            return switch (word) {
                case "write_file", "append_file" -> {
                    Path f = target(arg(args, 0, at), at, datadir);
                    if (word.equals("write_file") && Files.exists(f)) {
                        throw new Unmodelled(at + ": the test dies: write_file of " + f + ", which exists");
                    }
                    Files.writeString(f, body, charset, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    yield new Result(null, f);
                }
                case "write_line" -> {
                    Path f = target(arg(args, 1, at), at, datadir);
                    Files.writeString(f, arg(args, 0, at) + "\n", charset, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    yield new Result(null, f);
                }
                case "remove_file" -> {
                    Path f = target(arg(args, 0, at), at, datadir);
                    yield Files.deleteIfExists(f) ? Result.OK : missing(f);
                }
                case "file_exists", "cat_file" -> {
                    Path f = read(arg(args, 0, at));
                    yield Files.isRegularFile(f) ? Result.OK : missing(f);
                }
                case "copy_file", "move_file" -> {
                    Path to = target(arg(args, 1, at), at, datadir);
                    // moving removes it where it was: only from this directory
                    Path from = word.equals("move_file") ? target(arg(args, 0, at), at, datadir) : read(arg(args, 0, at));
                    if (!Files.isRegularFile(from)) {
                        yield missing(from);
                    }
                    if (word.equals("copy_file")) {
                        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                    yield Result.OK;
                }
                case "mkdir" -> {
                    Path d = target(arg(args, 0, at), at, datadir);
                    if (Files.exists(d)) {
                        yield new Result("directory " + d + " exists");
                    }
                    Files.createDirectory(d);
                    yield Result.OK;
                }
                case "rmdir" -> {
                    Path d = target(arg(args, 0, at), at, datadir);
                    if (!Files.isDirectory(d)) {
                        yield missing(d);
                    }
                    Files.delete(d); // as rmdir(2): only an empty one
                    yield Result.OK;
                }
                case "remove_files_wildcard" -> {
                    Path d = target(arg(args, 0, at), at, datadir);
                    for (Path f : matching(d, args.size() > 1 ? args.get(1) : "*")) {
                        if (Files.isRegularFile(f)) {
                            Files.delete(f);
                        }
                    }
                    yield Result.OK;
                }
                case "copy_files_wildcard" -> {
                    Path from = read(arg(args, 0, at));
                    Path to = target(arg(args, 1, at), at, datadir);
                    for (Path f : matching(from, args.size() > 2 ? args.get(2) : "*")) {
                        if (Files.isRegularFile(f)) {
                            Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    yield Result.OK;
                }
                case "list_files" -> {
                    Path d = read(arg(args, 0, at));
                    yield Files.isDirectory(d) ? Result.OK : missing(d); // the listing is output only
                }
                case "list_files_write_file", "list_files_append_file" -> {
                    Path f = target(arg(args, 0, at), at, datadir);
                    Path d = read(arg(args, 1, at));
                    StringBuilder listing = new StringBuilder();
                    for (Path e : matching(d, args.size() > 2 ? args.get(2) : "*")) {
                        listing.append(e.getFileName()).append('\n');
                    }
                    if (word.equals("list_files_write_file")) {
                        Files.deleteIfExists(f);
                    }
                    Files.writeString(f, listing, StandardCharsets.ISO_8859_1, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    yield Result.OK;
                }
                case "diff_files" -> {
                    Path a = read(arg(args, 0, at));
                    Path b = read(arg(args, 1, at));
                    if (!Files.isRegularFile(a) || !Files.isRegularFile(b)) {
                        yield missing(Files.isRegularFile(a) ? b : a);
                    }
                    yield Files.mismatch(a, b) == -1 ? Result.OK : new Result("files " + a + " and " + b + " differ");
                }
                case "chmod" -> {
                    target(arg(args, 1, at), at, datadir);
                    yield Result.OK; // the runner's files are its own: a mode changes nothing it compares
                }
                default -> throw new IllegalArgumentException("not a file command: " + word);
            };
        } catch (IOException e) {
            return new Result(e.toString());
        }
    }

    /** Whether {@code word} is a file command this class runs. */
    static boolean handles(String word) {
        return COMMANDS.contains(word);
    }

    private static Result missing(Path f) {
        return new Result(f + " does not exist");
    }

    private static String arg(List<String> args, int i, String at) throws Unmodelled {
        if (args.size() <= i) {
            throw new Unmodelled(at + ": a file command without its argument " + (i + 1));
        }
        return args.get(i);
    }

    /** Table files' extensions: a file of one of these in a database's directory is (part of) a table. */
    private static final Pattern TABLE_FILE = Pattern.compile("(?i).*\\.(frm|ibd|isl|myd|myi|mad|mai|par|csv|csm|trg|trn|opt|arz|arm)$");

    /**
     * The file commands' paths with a file the server wrote into a database's directory (SELECT ...
     * INTO OUTFILE with a bare name, {@code $MYSQLD_DATADIR/test/load.data}) made the file
     * {@link #mapPaths} gave that name; a table's files stay where they are, and are refused there.
     */
    private List<String> fromDataDirectory(List<String> args, DataDirectory datadir) {
        if (args.stream().noneMatch(a -> a.startsWith("/"))) {
            return args;
        }
        String data = datadir.path();
        if (data == null) {
            return args;
        }
        Path base = Path.of(data).toAbsolutePath().normalize();
        List<String> out = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a).normalize();
            boolean written = p.isAbsolute() && p.startsWith(base) && base.relativize(p).getNameCount() == 2
                    && !TABLE_FILE.matcher(p.getFileName().toString()).matches() && !a.contains("*");
            out.add(written ? vardir.resolve("tmp").resolve(p.getFileName()).toString() : a);
        }
        return out;
    }

    /** {@code path} for reading: a relative one from the mysql-test directory, mysqltest's working directory. */
    private Path read(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : root.resolve(p);
    }

    /** {@code path} for writing: in this directory, else the file ends, with where it would have written. */
    private Path target(String path, String at, DataDirectory datadir) throws Unmodelled {
        Path p = Path.of(path);
        if (p.isAbsolute() && writable(p)) {
            return p.toAbsolutePath().normalize();
        }
        String data = datadir.path();
        if (data != null && p.isAbsolute() && p.normalize().startsWith(Path.of(data).toAbsolutePath().normalize())) {
            throw new Unmodelled(at + ": writes into the server's data directory (" + path + "): a table made by its files"
                    + " never reaches the binlog, so the standby could not have it");
        }
        throw new Unmodelled(at + ": writes outside $MYSQLTEST_VARDIR (" + path + ")");
    }

    /** The entries of {@code dir} whose names match mysqltest's wildcard ({@code *} and {@code ?}). */
    private static List<Path> matching(Path dir, String wildcard) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        Pattern p = Pattern.compile(Pattern.quote(wildcard).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (p.matcher(e.getFileName().toString()).matches()) {
                    found.add(e);
                }
            }
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }
}
