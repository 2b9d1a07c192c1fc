package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/** LOAD DATA: the primary logs the loaded rows, in ROW format, like any insert. */
class LoadDataIT extends RunningPair {
    @Test
    void loadedRowsReplicate() throws Exception {
        Path csv = Files.createTempFile(dir, "load", ".csv");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            sb.append(i).append(",name ").append(i).append(",").append(i % 7 == 0 ? "\\N" : Integer.toString(i * 3)).append('\n');
        }
        Files.writeString(csv, sb.toString());
        csv.toFile().setReadable(true, false);
        onPrimary("CREATE DATABASE IF NOT EXISTS ld", "CREATE TABLE ld.t (id INT PRIMARY KEY, name VARCHAR(20), n INT)",
                "LOAD DATA INFILE '" + csv + "' INTO TABLE ld.t FIELDS TERMINATED BY ','",
                "LOAD DATA INFILE '" + csv + "' REPLACE INTO TABLE ld.t FIELDS TERMINATED BY ',' (id, name, @n) SET n = @n + 1");
        assertReplicated();
    }
}
