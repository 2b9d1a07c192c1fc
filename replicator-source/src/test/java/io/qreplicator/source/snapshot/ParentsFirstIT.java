package io.qreplicator.source.snapshot;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provisioning copies a table after the tables its foreign keys refer to, so that no parent's change
 * is passed over while a child of it is already on the standby (a cascade the sink could not run).
 */
class ParentsFirstIT {
    private static ReplicatedTables.Target target(String table) {
        return new ReplicatedTables.Target("o", table, List.of("id"), List.of("id"), List.of());
    }

    @Test
    void everyTableComesAfterTheTablesItsForeignKeysReferTo() throws Exception {
        try (MariaDbServer p = MariaDbServer.primary()) {
            p.execute("CREATE DATABASE o",
                    "CREATE TABLE o.z_parent (id INT PRIMARY KEY)",
                    "CREATE TABLE o.a_child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES o.z_parent (id) ON DELETE CASCADE)",
                    "CREATE TABLE o.b_grandchild (id INT PRIMARY KEY, c INT, FOREIGN KEY (c) REFERENCES o.a_child (id) ON DELETE SET NULL)",
                    "CREATE TABLE o.c_alone (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES o.c_alone (id) ON DELETE CASCADE)",
                    "CREATE TABLE o.d_cycle (id INT PRIMARY KEY, e INT)",
                    "CREATE TABLE o.e_cycle (id INT PRIMARY KEY, d INT, FOREIGN KEY (d) REFERENCES o.d_cycle (id))",
                    "SET foreign_key_checks = 0",
                    "ALTER TABLE o.d_cycle ADD FOREIGN KEY (e) REFERENCES o.e_cycle (id)",
                    // a table that refers to a cycle comes after the table it refers to, though its name comes first
                    "CREATE TABLE o.b_lines (id INT PRIMARY KEY, d INT, FOREIGN KEY (d) REFERENCES o.d_cycle (id))");
            List<ReplicatedTables.Target> byName = List.of(target("a_child"), target("b_grandchild"), target("c_alone"),
                    target("d_cycle"), target("e_cycle"), target("z_parent"));
            try (Connection c = p.rootConnection()) {
                assertThat(ReplicatedTables.parentsFirst(c, List.of(target("b_lines"), target("d_cycle"), target("e_cycle"))).tables())
                        .extracting(ReplicatedTables.Target::table).containsExactly("d_cycle", "b_lines", "e_cycle");
                CopyOrder order = ReplicatedTables.parentsFirst(c, byName);
                assertThat(order.tables()).extracting(ReplicatedTables.Target::table)
                        .containsExactly("c_alone", "z_parent", "a_child", "b_grandchild", "d_cycle", "e_cycle");
                // what a copy of several tables at once waits for: the parents before a table, never itself, and
                // not the parent that closes a cycle after it
                assertThat(order.parentsBefore(target("c_alone"))).isEmpty();
                assertThat(order.parentsBefore(target("z_parent"))).isEmpty();
                assertThat(order.parentsBefore(target("a_child"))).containsExactly("o.z_parent");
                assertThat(order.parentsBefore(target("b_grandchild"))).containsExactly("o.a_child");
                assertThat(order.parentsBefore(target("d_cycle"))).isEmpty();
                assertThat(order.parentsBefore(target("e_cycle"))).containsExactly("o.d_cycle");
                // a parent outside the selection orders nothing
                assertThat(ReplicatedTables.parentsFirst(c, List.of(target("b_grandchild"), target("z_parent"))).tables())
                        .extracting(ReplicatedTables.Target::table).containsExactly("b_grandchild", "z_parent");
            }
        }
    }
}
