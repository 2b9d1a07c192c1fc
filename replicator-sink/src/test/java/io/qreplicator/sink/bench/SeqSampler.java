package io.qreplicator.sink.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Benchmark tool, not a test: samples a GTID position every {@code interval} ms on one server
 * and appends {@code epoch_ms,seq} (the seq of domain 0 in the GTID state the query returns) to a
 * CSV, until the file {@code STOP_FILE} exists. One long-lived connection, so that sampling costs
 * next to nothing on a loaded machine.
 *
 * <pre>java ... SeqSampler JDBC_URL "SELECT @@gtid_binlog_pos" INTERVAL_MS OUT_CSV STOP_FILE</pre>
 */
public final class SeqSampler {
    private SeqSampler() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String query = args[1];
        long interval = Long.parseLong(args[2]);
        Path out = Path.of(args[3]);
        Path stop = Path.of(args[4]);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("epoch_ms,seq");
            Connection c = null;
            while (!Files.exists(stop)) {
                long t = System.currentTimeMillis();
                try {
                    if (c == null) {
                        c = DriverManager.getConnection(url);
                    }
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                        w.println(t + "," + (rs.next() ? seqOfDomain0(rs.getString(1)) : ""));
                    }
                } catch (java.sql.SQLException e) {
                    w.println(t + ","); // not there yet (no checkpoint table before the sink starts)
                    if (c != null && !c.isValid(1)) {
                        c.close();
                        c = null;
                    }
                }
                w.flush();
                long left = t + interval - System.currentTimeMillis();
                if (left > 0) {
                    Thread.sleep(left);
                }
            }
            if (c != null) {
                c.close();
            }
        }
    }

    static String seqOfDomain0(String gtidState) {
        if (gtidState == null) {
            return "";
        }
        for (String g : gtidState.split(",")) {
            String[] p = g.trim().split("-");
            if (p.length == 3 && p[0].equals("0")) {
                return p[2];
            }
        }
        return "";
    }
}
