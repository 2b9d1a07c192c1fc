package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dump restored on the primary, written by the real {@code mariadb-dump} (what a DBA does to load a
 * schema): its triggers, views and events come wrapped in executable comments
 * ({@code /*!50003 CREATE*}{@code / /*!50017 DEFINER=...*}{@code / /*!50003 TRIGGER ...*}{@code /}) and
 * every table's rows between {@code /*!40000 ALTER TABLE t DISABLE KEYS *}{@code /} and its ENABLE.
 * The agents read those statements as the primary ran them: the trigger is not created on the
 * standby (it would fire there a second time), the event arrives disabled, and a dump restored into
 * a schema the filters exclude sends nothing to the standby, its ALTER TABLE ... KEYS included.
 */
class DumpRestoreIT {

    @Test
    void aDumpsTriggersViewsAndEventsReplicateAsTheirPlainForms(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, text -> text.replace("exclude: []", "exclude: [\"scratch*.*\"]"));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            // the schema to dump, in a schema the filters exclude: it never reaches the standby
            // the schema to dump, in a schema the filters exclude: it never reaches the standby. Its objects are
            // created unqualified, as an application's are, so that the dump can be restored under another name.
            pair.primary.execute("CREATE DATABASE scratch", "USE scratch",
                    "CREATE TABLE orders (id INT PRIMARY KEY, amount INT, KEY by_amount (amount))",
                    "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT, what VARCHAR(10))",
                    "CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW"
                            + " INSERT INTO audit (order_id, what) VALUES (NEW.id, 'insert')",
                    "CREATE VIEW big AS SELECT id, amount FROM orders WHERE amount > 5",
                    "CREATE EVENT cleanup ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit WHERE id < 0",
                    "CREATE PROCEDURE place(IN n INT) INSERT INTO orders VALUES (n, n)",
                    "INSERT INTO orders VALUES (1, 5), (2, 6)");
            Path dump = dir.resolve("scratch.sql");
            client(pair.primary, dump, null, "mariadb-dump", "--routines", "--events", "--triggers", "scratch");
            String text = Files.readString(dump);
            assertThat(text).as("what this test is about: mariadb-dump's executable comments")
                    .contains("/*!50003 TRIGGER", "/*!50001 VIEW", "/*!50106 EVENT", "/*!40000 ALTER TABLE");

            pair.primary.execute("CREATE DATABASE restored", "CREATE DATABASE scratch_copy");
            client(pair.primary, null, dump, "mariadb", "restored");
            client(pair.primary, null, dump, "mariadb", "scratch_copy");
            pair.primary.execute("INSERT INTO restored.orders VALUES (3, 7)", "CALL restored.place(4)",
                    "INSERT INTO scratch_copy.orders VALUES (3, 7)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);

            for (String table : List.of("`restored`.`orders`", "`restored`.`audit`")) {
                assertThat(TableContents.of(pair.standby, table)).as(table).isEqualTo(TableContents.of(pair.primary, table));
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM restored.audit")).as("one audit row per order, not two")
                    .isEqualTo("4");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'restored'"))
                    .as("the dump's trigger is not created on the standby").isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM restored.big")).isEqualTo("2,3");
            assertThat(pair.standby.queryOne("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'restored'"
                    + " AND EVENT_NAME = 'cleanup'")).isEqualTo("SLAVESIDE_DISABLED");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'scratch%'"))
                    .as("excluded schemas").isEqualTo("0");
            assertThat(source.isAlive()).as("source running; log:\n%s", source.logText()).isTrue();
            assertThat(sink.isAlive()).as("sink running; log:\n%s", sink.logText()).isTrue();
        }
    }

    /** Runs a client tool of the server package on the primary, from or into a file. */
    private static void client(MariaDbServer server, Path out, Path in, String tool, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(tool, "--no-defaults", "-h127.0.0.1", "-P" + server.port(), "-uroot"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
        if (out != null) {
            pb.redirectOutput(out.toFile());
        }
        if (in != null) {
            pb.redirectInput(in.toFile());
        }
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", command, err).isZero();
    }
}
