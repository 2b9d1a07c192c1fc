package io.qreplicator.core.spool;

import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds spool files whose creation was cut short, and moves them out of the spool.
 *
 * <p>Invariant: such a file holds nothing the spool needs. Chronicle creates a file (a cycle file
 * {@code *.cq4}, or the queue's {@code metadata.cq4t}) by claiming its first header (marking it not
 * complete), writing the file's own structures, and only then completing the header; no record is
 * written to a cycle file before that, and the metadata file is rebuilt from the directory when
 * absent. An agent killed inside those steps leaves a file whose first header is 0 or still marked
 * not complete, and it stays so: nobody will finish it. Chronicle then makes every reader wait for
 * it (its acquire timeout, seconds each time) and only the next append renames a cycle file away,
 * after the same wait, while readers already positioned may be looking at the old file; an
 * unfinished metadata file stops the queue from opening at all. So the agent, the only writer,
 * moves such files aside when it opens its spool, before Chronicle sees them; a read-only opener
 * (the CLI) only reports them.
 */
final class UnfinishedSpoolFiles {
    private static final Logger log = LoggerFactory.getLogger(UnfinishedSpoolFiles.class);
    static final String SUFFIX = ".unfinished";

    private UnfinishedSpoolFiles() {
    }

    /** Spool files in {@code dir} whose first header never completed. */
    static List<Path> find(Path dir) {
        List<Path> chronicleFiles;
        try (Stream<Path> files = Files.list(dir)) {
            chronicleFiles = files.filter(UnfinishedSpoolFiles::isChronicleFile).toList();
        } catch (IOException e) {
            throw new SpoolException("cannot list spool directory " + dir + ": " + e.getMessage(), e);
        }
        List<Path> unfinished = new ArrayList<>();
        for (Path f : chronicleFiles) {
            if (!headerComplete(f)) {
                unfinished.add(f);
            }
        }
        return unfinished;
    }

    private static boolean isChronicleFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".cq4") || name.endsWith(".cq4t");
    }

    /** Renames each unfinished file to {@code <name>.unfinished}, where Chronicle does not look. */
    static void moveAside(Path dir) {
        for (Path f : find(dir)) {
            Path aside = f.resolveSibling(f.getFileName() + SUFFIX);
            try {
                Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new SpoolException("spool file " + f + " was left unfinished by a crash and holds no records,"
                        + " but it cannot be moved aside (" + e.getMessage() + "); move or delete it by hand", e);
            }
            log.warn("spool file {} was being created when the agent stopped and holds no records; moved it to {}"
                    + " (safe to delete)", f, aside);
        }
    }

    /**
     * For a reader of a spool whose agent may be rolling to a new file right now: throws when a file
     * is still unfinished after {@code graceMillis}, naming the file and what to do.
     */
    static void refuseIfAny(Path dir, long graceMillis) {
        long deadline = System.currentTimeMillis() + graceMillis;
        List<Path> unfinished = find(dir);
        while (!unfinished.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            unfinished = find(dir);
        }
        if (!unfinished.isEmpty()) {
            throw new SpoolException("spool file " + unfinished.get(0) + " was being created when its agent stopped"
                    + " and holds no records; starting the agent moves it aside (or rename it to end in " + SUFFIX + ")");
        }
    }

    private static boolean headerComplete(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()); // Chronicle maps in native order
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // a short file is read to its end
            }
            if (b.hasRemaining()) {
                return false;
            }
            int header = b.getInt(0);
            return header != 0 && !Wires.isNotComplete(header);
        } catch (NoSuchFileException gone) {
            return true; // deleted meanwhile (retention, while the CLI looks): nothing unfinished left
        } catch (IOException e) {
            throw new SpoolException("cannot read spool file " + file + ": " + e.getMessage()
                    + "; check that the agent's user can read the spool directory", e);
        }
    }
}
