package io.qreplicator.sink.provision;

import io.qreplicator.core.config.HostPort;
import io.qreplicator.core.model.ProvisionTable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A table is copied only where it fits: before the sink (re)creates a table for {@code qrepl
 * provision}, the standby's data directory must have room for the primary's copy of it (its data
 * and indexes as the primary's engine counts them, less what the standby's copy it replaces takes)
 * and still keep {@code provision.keep-free} free. A standby whose disk fills up in the middle of a
 * copy stops every table's replication, not only the copy's: refused before it starts, the copy
 * costs nothing and says what to free.
 *
 * <p>The standby's file system can be read only where its server runs on the sink's host (its
 * address is this host's, its {@code @@datadir} a directory here): elsewhere the check is passed over,
 * and said so once in the log.
 */
public final class StandbyDisk {
    private final boolean local;
    private final long keepFree;

    /**
     * @param standby  the standby's address
     * @param keepFree bytes the standby's file system must keep free after a copy
     */
    public StandbyDisk(HostPort standby, long keepFree) {
        this.local = onThisHost(standby.host());
        this.keepFree = keepFree;
    }

    /** Why {@code p}'s table does not fit on the standby, or null when it does or cannot be known. */
    String tooLittle(Connection c, ProvisionTable p) throws SQLException {
        if (!local || p.bytes() <= 0) {
            return null;
        }
        Path datadir;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@datadir")) {
            rs.next();
            datadir = Path.of(rs.getString(1));
        }
        if (!Files.isDirectory(datadir)) {
            skipped("the standby's data directory " + datadir + " is not a directory the sink can see");
            return null;
        }
        long usable;
        try {
            usable = Files.getFileStore(datadir).getUsableSpace();
        } catch (IOException e) {
            skipped("its file system cannot be read: " + e.getMessage());
            return null;
        }
        // the standby's own copy, replaced by the forced one, makes room
        long replaced = p.force() ? io.qreplicator.core.sql.TableSizes.onDisk(c, p.schema(), p.table()) : 0;
        return verdict(p, usable, replaced, keepFree, datadir);
    }

    private boolean saidSkipped;

    /** Says once why the check cannot be made on this host. */
    private void skipped(String why) {
        if (!saidSkipped) {
            saidSkipped = true;
            org.slf4j.LoggerFactory.getLogger(StandbyDisk.class).warn("qrepl provision cannot check the standby's free disk"
                    + " before a copy: {}", why);
        }
    }

    /** The arithmetic of {@link #tooLittle}: null when the copy fits. */
    static String verdict(ProvisionTable p, long usable, long replaced, long keepFree, Path datadir) {
        long needed = Math.max(0, p.bytes() - replaced);
        if (usable - needed >= keepFree) {
            return null;
        }
        return "refused: the standby's disk has " + mib(usable) + " free at " + datadir + ", and the primary's copy of "
                + p.qualifiedName() + " takes " + mib(p.bytes()) + (replaced > 0 ? " (the standby's own, replaced, " + mib(replaced)
                + ")" : "") + ", which would leave less than provision.keep-free (" + mib(keepFree) + "). Free space on"
                + " the standby (or lower provision.keep-free in the sink's config and restart it), then run qrepl provision"
                + " --tables " + p.qualifiedName() + " again";
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** True when {@code host} names this machine: loopback, or an address of one of its interfaces. */
    static boolean onThisHost(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the check can read the standby's disk at all, for the log. */
    public boolean local() {
        return local;
    }
}
