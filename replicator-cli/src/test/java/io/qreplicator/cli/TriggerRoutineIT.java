package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Rows written by triggers and stored procedures travel as rows (the standby does not run the
 * triggers: its rows already carry their effect); routines and views are created on the standby.
 */
class TriggerRoutineIT extends RunningPair {
    @Test
    void rowsThatTriggersAndProceduresWrite() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS tr", "CREATE TABLE tr.orders (id INT PRIMARY KEY, amount INT)",
                "CREATE TABLE tr.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT, what VARCHAR(10))",
                "CREATE TRIGGER tr.orders_ai AFTER INSERT ON tr.orders FOR EACH ROW"
                        + " INSERT INTO tr.audit (order_id, what) VALUES (NEW.id, 'insert')",
                "CREATE TRIGGER tr.orders_bu BEFORE UPDATE ON tr.orders FOR EACH ROW SET NEW.amount = NEW.amount * 2",
                "CREATE PROCEDURE tr.place(IN n INT) BEGIN DECLARE i INT DEFAULT 0;"
                        + " WHILE i < n DO INSERT INTO tr.orders VALUES (100 + i, i); SET i = i + 1; END WHILE; END",
                "CREATE FUNCTION tr.twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
                "CREATE VIEW tr.big_orders AS SELECT id, amount FROM tr.orders WHERE amount > 5",
                "INSERT INTO tr.orders VALUES (1, 5), (2, 6)",
                "UPDATE tr.orders SET amount = 7 WHERE id = 1",
                "CALL tr.place(10)",
                "UPDATE tr.orders SET amount = tr.twice(amount) WHERE id >= 100");
        assertReplicated();
    }

    /** A definer with a blank in it is still read as a trigger's, and the trigger stays off the standby. */
    @Test
    void aTriggerWhoseDefinerHoldsABlank() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS tr2", "CREATE TABLE tr2.items (id INT PRIMARY KEY)",
                "CREATE TABLE tr2.log (id INT AUTO_INCREMENT PRIMARY KEY, item INT)",
                "CREATE USER IF NOT EXISTS `john doe`@`%`", "GRANT ALL ON tr2.* TO `john doe`@`%`",
                "CREATE DEFINER=`john doe`@`%` TRIGGER tr2.items_ai AFTER INSERT ON tr2.items FOR EACH ROW"
                        + " INSERT INTO tr2.log (item) VALUES (NEW.id)",
                "INSERT INTO tr2.items VALUES (1), (2), (3)");
        assertReplicated();
    }
}
