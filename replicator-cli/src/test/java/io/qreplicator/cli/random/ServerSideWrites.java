package io.qreplicator.cli.random;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Rows the server writes by its own code, not by the statement's text: the triggers of the initial
 * tables (acct's AFTER INSERT and uk's AFTER DELETE write a row of {@code audit}; pair's BEFORE
 * UPDATE changes the row being written), a stored procedure that loops and then updates what it
 * wrote, a sequence's NEXTVAL, and a temporary table whose rows are copied into a real one and which
 * is dropped again in the same run of statements. None of these objects is in the model's table list:
 * DDL never renames or changes them, so the procedure and the triggers keep working for the whole run.
 * Triggers move with their table when DDL renames or swaps it.
 */
final class ServerSideWrites {
    private final String schema;
    private final SplittableRandom r;
    private int temporaryTables;

    ServerSideWrites(String schema, SplittableRandom r) {
        this.schema = schema;
        this.r = r;
    }

    /** Created after the initial tables (acct, uk and pair must exist). */
    static List<String> create(String schema) {
        String q = "`" + schema + "`.";
        return List.of(
                "CREATE TABLE " + q + "audit (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, src VARCHAR(10) NOT NULL,"
                        + " k BIGINT NULL, s VARCHAR(24) NULL, KEY src_k (src, k))",
                "CREATE SEQUENCE " + q + "seq START WITH 1 INCREMENT BY 3 CACHE 20",
                "CREATE TRIGGER " + q + "acct_ai AFTER INSERT ON " + q + "acct FOR EACH ROW"
                        + " INSERT INTO audit (src, k, s) VALUES ('acct+', NEW.id, NEW.s)",
                "CREATE TRIGGER " + q + "uk_ad AFTER DELETE ON " + q + "uk FOR EACH ROW"
                        + " INSERT INTO audit (src, k, s) VALUES ('uk-', OLD.a, OLD.b)",
                "CREATE TRIGGER " + q + "pair_bu BEFORE UPDATE ON " + q + "pair FOR EACH ROW"
                        + " SET NEW.c = IF(NEW.c IS NULL, 'upd', NEW.c)",
                // parameters named apart from columns: in a routine a parameter hides a column of its name
                "CREATE PROCEDURE " + q + "note_rows(IN p_k BIGINT, IN p_n INT, IN p_s VARCHAR(20))\n"
                        + "BEGIN\n"
                        + "  DECLARE i INT DEFAULT 0;\n"
                        + "  WHILE i < p_n DO\n"
                        + "    INSERT INTO audit (src, k, s) VALUES ('proc', p_k + i, p_s);\n"
                        + "    SET i = i + 1;\n"
                        + "  END WHILE;\n"
                        + "  UPDATE audit SET s = CONCAT(IFNULL(s, ''), '!') WHERE src = 'proc' AND k = p_k;\n"
                        + "END");
    }

    /** One or more statements: a CALL, a NEXTVAL, or a temporary table's life (four statements). */
    List<Sql> next() {
        String q = "`" + schema + "`.";
        int p = r.nextInt(10);
        if (p < 4) {
            String k = r.nextInt(6) == 0 ? "NEXTVAL(" + q + "seq)" : Integer.toString(r.nextInt(-5, 40));
            String s = r.nextInt(4) == 0 ? "NULL" : "'c" + r.nextInt(100) + "'";
            return List.of(new Sql(Shape.CALL, "CALL " + q + "note_rows(" + k + ", " + r.nextInt(0, 4) + ", " + s + ")"));
        }
        if (p < 7) {
            return List.of(new Sql(Shape.NEXTVAL, "INSERT INTO " + q + "audit (src, k) VALUES ('seq', NEXTVAL(" + q + "seq))"));
        }
        String tmp = q + "tmp" + (++temporaryTables);
        StringBuilder values = new StringBuilder();
        for (int i = 0, n = r.nextInt(1, 5); i < n; i++) {
            values.append(i > 0 ? ", " : "").append('(').append(r.nextInt(-5, 40)).append(", 't").append(r.nextInt(100)).append("')");
        }
        return List.of(new Sql(Shape.TEMPORARY_TABLE, "CREATE TEMPORARY TABLE " + tmp + " (k INT, s VARCHAR(10))"),
                new Sql(Shape.TEMPORARY_TABLE, "INSERT INTO " + tmp + " VALUES " + values),
                new Sql(Shape.TEMPORARY_TABLE, "INSERT INTO " + q + "audit (src, k, s) SELECT 'tmp', k, s FROM " + tmp),
                new Sql(Shape.TEMPORARY_TABLE, "DROP TEMPORARY TABLE " + tmp));
    }
}
