package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;

/**
 * The flags of a rows event's post-header, which the binlog library reads past: bit 1
 * ({@code NO_FOREIGN_KEY_CHECKS_F}) says the primary wrote these rows with
 * {@code foreign_key_checks=0}.
 *
 * <p>Why it matters: the primary does not log the rows that an {@code ON DELETE/UPDATE CASCADE} or
 * {@code SET NULL} key changes, so the standby must run the same cascade, and a cascade runs only
 * where the checks were on. The sink re-runs it exactly where this flag says the primary did (see
 * the sink's {@code ForeignKeyCascades}). The same bit in MySQL's and MariaDB's rows events.
 *
 * <p>Bit 2 ({@code RELAXED_UNIQUE_CHECKS_F}) says they were written with {@code unique_checks=0}.
 * With both off, MariaDB's InnoDB may take a transaction's inserts into an empty table back whole
 * when a later statement of it fails, while the binlog keeps them (see the source's
 * {@code BulkInsertCheck}).
 */
public final class RowsEventFlags {
    private static final int NO_FOREIGN_KEY_CHECKS = 1 << 1;
    private static final int RELAXED_UNIQUE_CHECKS = 1 << 2;

    private RowsEventFlags() {
    }

    /** True unless the rows event {@code data} says the primary wrote it with foreign_key_checks=0. */
    public static boolean foreignKeyChecks(EventData data) {
        return !(data instanceof Flagged f) || (f.flags() & NO_FOREIGN_KEY_CHECKS) == 0;
    }

    /** True unless the rows event {@code data} says the primary wrote it with unique_checks=0. */
    public static boolean uniqueChecks(EventData data) {
        return !(data instanceof Flagged f) || (f.flags() & RELAXED_UNIQUE_CHECKS) == 0;
    }

    /** Reads a rows event's table id and flags into {@code data}, and passes over MySQL's extra data after them. */
    static <T extends Flagged> T header(T data, ByteArrayInputStream in, boolean mayContainExtraInformation) throws IOException {
        data.setTableId(in.readLong(6));
        data.flags(in.readInteger(2));
        if (mayContainExtraInformation) {
            int extraInfoLength = in.readInteger(2);
            in.skip(extraInfoLength - 2);
        }
        return data;
    }

    /** The event data classes of the library, with the flags kept. */
    interface Flagged {
        void setTableId(long tableId);

        void flags(int flags);

        int flags();
    }

    static final class Write extends WriteRowsEventData implements Flagged {
        private int flags;

        @Override public void flags(int flags) { this.flags = flags; }
        @Override public int flags() { return flags; }
    }

    static final class Update extends UpdateRowsEventData implements Flagged {
        private int flags;

        @Override public void flags(int flags) { this.flags = flags; }
        @Override public int flags() { return flags; }
    }

    static final class Delete extends DeleteRowsEventData implements Flagged {
        private int flags;

        @Override public void flags(int flags) { this.flags = flags; }
        @Override public int flags() { return flags; }
    }
}
