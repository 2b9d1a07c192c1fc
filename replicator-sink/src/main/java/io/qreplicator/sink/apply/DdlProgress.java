package io.qreplicator.sink.apply;

import io.qreplicator.core.status.DurableFiles;
import io.qreplicator.core.status.PropertiesFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The DDL statement the sink last ran on the standby, and how it ended, kept on disk in the sink's
 * data dir: what tells the sink's own DDL, run again after the sink lost track of it, from a
 * standby whose schema already differed from the primary's.
 *
 * <p>Why: a DDL commits by itself, so the checkpoint that names its transaction commits after it,
 * in the next standby transaction. A sink stopped between the two (killed, the standby's connection
 * lost, the rows after the DDL refused) runs the statement again when it resumes, and the standby
 * answers that the change is already there (1050 table exists, 1091 no such column...). That
 * answer is the sink's own replay only if the sink ran that very statement before. From any other
 * statement it means the standby held the object before the primary's statement: it had diverged,
 * and passing the error over would keep the standby's own version for good. "The first
 * transaction after a resume", the rule before this record, was wrong both ways round: the unit
 * restarts a sink that stopped on such an error five seconds later, and an operator's restart puts
 * any DDL first.
 *
 * <p>Invariant: before statement {@code i} of transaction {@code T} runs on the standby, this
 * record names {@code T} and {@code i} as started, on disk. An "already there" answer to a statement
 * of {@code T} is taken as a replay only if the record names {@code T} and that statement or a
 * later one ({@link Earlier#mayBeApplied}), except when it is the statement the standby refused
 * with that same error when the sink last stopped ({@link Earlier#refusedWith}): a refusal with
 * another error, followed by "already there", means the operator ran the statement by hand, as the
 * sink's message offered. A refusal outlives the statement's next start until that run goes
 * through ({@link #ran}): a retry after a lost connection must meet it still. A statement the
 * standby answered with a lock wait, deadlock or kill changed nothing, and the record goes back to
 * what it was before it started ({@link #notRun}). A statement that failed on the primary and went
 * through on the standby is recorded as such ({@link Earlier#diverged}), so that a restart stops
 * on it again instead of taking its replay's "already there" for the change. A statement before
 * the recorded one, run again, leaves the record as it is. The record goes once {@code T}'s
 * checkpoint commits; one left behind (a crash, a removal that failed) names a transaction the
 * sink never applies again.
 *
 * <p>Shared by the appliers of one sink: DDL runs alone ({@link ParallelApplier}).
 */
final class DdlProgress {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DdlProgress.class);
    static final String FILE = "ddl-progress.properties";

    /** What the record says of a statement of the transaction about to run it. */
    record Earlier(boolean mayBeApplied, int refusedWith, boolean diverged) {
        static final Earlier NONE = new Earlier(false, 0, false);
    }

    /**
     * STARTED with an error: started again after the standby refused it with that error, and not
     * through yet; the same error again is the same refusal.
     */
    private enum State { STARTED, REFUSED, DIVERGED }

    /**
     * The record: statement {@code statement} of part {@code part} (spool seq {@code seq}, binlog
     * position {@code where}: a part's is the boundary before its transaction) of transaction {@code gtid}.
     */
    private record Entry(long seq, String gtid, String where, int part, int statement, State state, int error) {
        /**
         * Whether this entry names a statement of that transaction: by its GTID, which names it whichever
         * seqs its parts were spooled at (a source that restarted inside it sends it again at new ones);
         * without a GTID, by the seq of its first part (its parts are consecutive records), or by the
         * binlog position its record carries (the same when it is sent again).
         */
        boolean sameTransaction(long seq, String gtid, String where, int part) {
            return gtid.isEmpty() ? this.gtid.isEmpty() && (this.seq - this.part == seq - part || this.where.equals(where))
                    : this.gtid.equals(gtid);
        }

        /** Whether this entry's statement comes at or after statement {@code statement} of part {@code part}. */
        boolean atOrAfter(int part, int statement) {
            return this.part > part || this.part == part && this.statement >= statement;
        }
    }

    private final Path file; // null: kept in memory only (tests of one applier)
    private Entry entry;
    private Entry beforeStart; // the record before the last starting(), for notRun()
    private boolean startedLater; // the last starting() found a later statement of its transaction recorded
    private boolean loaded;

    private DdlProgress(Path file) {
        this.file = file;
    }

    /** Kept in {@code dataDir}, the sink's data dir. */
    static DdlProgress in(Path dataDir) {
        return new DdlProgress(dataDir.toAbsolutePath().resolve(FILE));
    }

    /** Kept in memory: what a restart of the process forgets (for tests that drive one applier). */
    static DdlProgress inMemory() {
        return new DdlProgress(null);
    }

    /** What the record says of statement {@code statement} of part {@code part} of transaction {@code seq}. */
    synchronized Earlier earlier(long seq, String gtid, String where, int part, int statement) {
        Entry e = entry();
        if (e == null || !e.sameTransaction(seq, gtid, where, part) || !e.atOrAfter(part, statement)) {
            return Earlier.NONE;
        }
        boolean same = e.part() == part && e.statement() == statement;
        return new Earlier(true, same && e.state() != State.DIVERGED ? e.error() : 0, same && e.state() == State.DIVERGED);
    }

    /** Statement {@code statement} of part {@code part} of transaction {@code seq} is about to run on the standby. */
    synchronized void starting(long seq, String gtid, String where, int part, int statement) {
        Entry e = entry();
        beforeStart = e;
        startedLater = false;
        if (e != null && e.sameTransaction(seq, gtid, where, part) && e.atOrAfter(part, statement)) {
            if (e.part() != part || e.statement() != statement) {
                startedLater = true;
                return; // a later statement of it is recorded, as it ended: what its replay will meet
            }
            if (e.state() == State.STARTED) {
                return; // started before: it may have run
            }
            save(new Entry(seq, gtid, where, part, statement, State.STARTED, e.error())); // a refusal stays until it goes through
            return;
        }
        save(new Entry(seq, gtid, where, part, statement, State.STARTED, 0));
    }

    /** The statement last started went through on the standby: a refusal kept for it is over. */
    synchronized void ran() {
        Entry e = entry();
        if (e != null && !startedLater && e.state() == State.STARTED && e.error() != 0) {
            save(new Entry(e.seq(), e.gtid(), e.where(), e.part(), e.statement(), State.STARTED, 0));
        }
    }

    /** The standby answered the statement last started with a lock wait, deadlock or kill: it changed nothing. */
    synchronized void notRun() {
        if (startedLater) {
            return; // the record is the later statement's, untouched
        }
        if (beforeStart == null) {
            entry = null;
            removeFile();
        } else {
            save(beforeStart);
        }
    }

    /** The standby refused the statement last started with {@code error}: it changed nothing, and the sink stops. */
    synchronized void refused(int error) {
        Entry e = entry();
        save(new Entry(e.seq(), e.gtid(), e.where(), e.part(), e.statement(), State.REFUSED, error));
    }

    /** The statement last started failed on the primary and went through on the standby: the sink stops. */
    synchronized void diverged() {
        Entry e = entry();
        save(new Entry(e.seq(), e.gtid(), e.where(), e.part(), e.statement(), State.DIVERGED, 0));
    }

    /** Transactions up to {@code seq} are committed with their checkpoint: a record of one of them is over. */
    synchronized void committed(long seq) {
        Entry e = entry;
        if (!loaded || e == null || e.seq() > seq) {
            return; // read lazily: before it is, no DDL ran in this process, and one left by the last is read when needed
        }
        entry = null;
        try {
            removeFile();
        } catch (UncheckedIOException x) {
            // the transaction is committed: a record left behind names one the sink never applies again
            log.warn("{}; it names a transaction the standby has committed, and does no harm", x.getMessage());
        }
    }

    private void removeFile() {
        if (file != null) {
            try {
                DurableFiles.delete(file);
            } catch (IOException x) {
                throw new UncheckedIOException("cannot remove " + file + ": " + x.getMessage(), x);
            }
        }
    }

    private Entry entry() {
        if (!loaded) {
            entry = file == null ? null : read(file);
            loaded = true;
        }
        return entry;
    }

    private void save(Entry e) {
        if (file != null) {
            try {
                PropertiesFiles.write(file, Map.of("seq", Long.toString(e.seq()), "gtid", e.gtid(), "where", e.where(),
                        "part", Integer.toString(e.part()),
                        "statement", Integer.toString(e.statement()), "state", e.state().name().toLowerCase(java.util.Locale.ROOT),
                        "error", Integer.toString(e.error())),
                        "qrepl sink: the DDL statement it last ran on the standby (see DdlProgress); removed once its checkpoint commits");
            } catch (IOException x) {
                throw new UncheckedIOException("cannot write " + file + " (what tells the sink's own DDL, run again after a"
                        + " stop, from a standby that differs): " + x.getMessage(), x);
            }
        }
        entry = e;
    }

    private static Entry read(Path file) {
        Map<String, String> p;
        try {
            p = PropertiesFiles.read(file);
        } catch (IOException x) {
            throw new UncheckedIOException("cannot read " + file + ": " + x.getMessage(), x);
        }
        if (p.isEmpty()) {
            return null;
        }
        try {
            return new Entry(Long.parseLong(p.get("seq")), p.getOrDefault("gtid", ""), p.getOrDefault("where", ""),
                    Integer.parseInt(p.get("part")),
                    Integer.parseInt(p.get("statement")), State.valueOf(p.get("state").toUpperCase(java.util.Locale.ROOT)),
                    Integer.parseInt(p.getOrDefault("error", "0")));
        } catch (RuntimeException x) {
            // only Qreplicator writes it, whole (DurableFiles): a damaged one is not guessed at
            throw new IllegalStateException(file + " is damaged (" + p + "): it names the DDL statement the sink last ran"
                    + " on the standby, so the sink cannot tell whether that statement ran. Remove the file and start the sink."
                    + " If it then stops on a DDL saying the standby's schema already differed, look whether that statement's"
                    + " change is on the standby already (it may have run just before the stop): if so, pass the transaction"
                    + " over with qrepl sink skip (docs/troubleshooting.md)", x);
        }
    }
}
