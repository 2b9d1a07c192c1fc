package io.qreplicator.source.binlog;

import io.qreplicator.core.sql.SqlModes;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryStatusVarsTest {
    @Test
    void readsTheVariablesAMariadbDdlCarries() {
        // flags2, sql_mode, catalog, charset (8, 45, 45), time zone '+05:30', hrnow 123456, xid, gtid flags3
        byte[] b = HexFormat.of().parseHex("00" + "00000004" + "01" + "0400200000000000" + "06" + "03737464"
                + "04" + "08002d002d00" + "05" + "062b30353a3330" + "80" + "40e201" + "81" + "0100000000000000" + "82" + "00");
        QueryStatusVars v = QueryStatusVars.parse(b);
        assertThat(v.flags2() & QueryStatusVars.OPTION_NO_FOREIGN_KEY_CHECKS).isNotZero();
        assertThat(SqlModes.names(v.sqlMode(), true)).isEqualTo("ANSI_QUOTES,STRICT_TRANS_TABLES");
        assertThat(v.clientCharset()).isEqualTo(8);
        assertThat(v.collationConnection()).isEqualTo(45);
        assertThat(v.timeZone()).isEqualTo("+05:30");
        assertThat(v.microseconds()).isEqualTo(123456);
        assertThat(v.unknownCode()).isEqualTo(-1);
    }

    @Test
    void readsTheInvokerAnAccountStatementCarries() {
        // Q_INVOKER 'root'@'localhost' (as MariaDB logs CREATE ROLE r1), then hrnow
        QueryStatusVars v = QueryStatusVars.parse(HexFormat.of().parseHex("0b" + "04726f6f74" + "096c6f63616c686f7374" + "80" + "40e201"));
        assertThat(v.invokerUser()).isEqualTo("root");
        assertThat(v.invokerHost()).isEqualTo("localhost");
        assertThat(v.microseconds()).as("the variable after it").isEqualTo(123456);
        QueryStatusVars role = QueryStatusVars.parse(HexFormat.of().parseHex("0b" + "027231" + "00")); // CURRENT_ROLE r1
        assertThat(role.invokerUser()).isEqualTo("r1");
        assertThat(role.invokerHost()).isEmpty();
    }

    @Test
    void readsTheTwoPhaseAlterPhaseAndTheVariablesAfterIt() {
        // Q_GTID_FLAGS3 of binlog_alter_two_phase: START ALTER (one byte); COMMIT and ROLLBACK ALTER (a byte, then the start's seq_no)
        QueryStatusVars start = QueryStatusVars.parse(HexFormat.of().parseHex("82" + "02" + "80" + "40e201"));
        assertThat(start.startAlter()).isTrue();
        assertThat(start.commitAlter() || start.rollbackAlter()).isFalse();
        assertThat(start.microseconds()).isEqualTo(123456);
        QueryStatusVars commit = QueryStatusVars.parse(HexFormat.of().parseHex("82" + "04" + "0400000000000000" + "80" + "40e201"));
        assertThat(commit.commitAlter()).isTrue();
        assertThat(commit.startAlter() || commit.rollbackAlter()).isFalse();
        assertThat(commit.microseconds()).as("the variable after the seq_no").isEqualTo(123456);
        assertThat(commit.unknownCode()).isEqualTo(-1);
        QueryStatusVars rollback = QueryStatusVars.parse(HexFormat.of().parseHex("82" + "08" + "0400000000000000"));
        assertThat(rollback.rollbackAlter()).isTrue();
        QueryStatusVars plain = QueryStatusVars.parse(HexFormat.of().parseHex("82" + "00"));
        assertThat(plain.startAlter() || plain.commitAlter() || plain.rollbackAlter()).isFalse();
    }

    @Test
    void stopsAtACodeItDoesNotKnowAndSaysWhich() {
        QueryStatusVars v = QueryStatusVars.parse(HexFormat.of().parseHex("04" + "210021002100" + "c8" + "0102"));
        assertThat(v.clientCharset()).isEqualTo(33);
        assertThat(v.unknownCode()).isEqualTo(0xc8);
    }

    @Test
    void sqlModesAreNamedPerFlavour() {
        assertThat(SqlModes.names(0, true)).isEmpty();
        assertThat(SqlModes.names((1L << 32) | 1, true)).isEqualTo("REAL_AS_FLOAT,EMPTY_STRING_IS_NULL");
        assertThat(SqlModes.names(1L << 32, false)).isEqualTo("TIME_TRUNCATE_FRACTIONAL");
        assertThatThrownBy(() -> SqlModes.names(1L << 40, true)).hasMessageContaining("bit 40");
    }

    @Test
    void textIsDecodedInTheClientsCharacterSet() {
        ClientCharsets cs = ClientCharsets.common();
        byte[] latin1 = {'\'', (byte) 0xe9, '\''};
        assertThat(cs.decode(latin1, 8)).isEqualTo("'\u00e9'");
        assertThat(cs.decode("'\u00e9'".getBytes(java.nio.charset.StandardCharsets.UTF_8), 45)).isEqualTo("'\u00e9'");
        assertThat(cs.decode("plain".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 9999)).isEqualTo("plain");
        assertThatThrownBy(() -> cs.decode(latin1, 9999)).hasMessageContaining("collation id 9999");
        // SET NAMES binary (main/ctype_recoding): read as latin1, CREATE TABLE `тест` made a table of another name
        byte[] cyrillic = "CREATE TABLE `\u0442\u0435\u0441\u0442` (a INT)".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> cs.decode(cyrillic, 63)).hasMessageContaining("SET NAMES binary");
        assertThat(cs.decode("CREATE TABLE t (a INT)".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 63))
                .isEqualTo("CREATE TABLE t (a INT)");
    }

    @Test
    void aStatementThatCannotBeDecodedIsMarkedNotRefusedWhileItIsRead() throws Exception {
        // a QUERY event's body: thread id, time, database length, error code, status (Q_CHARSET_CODE: client binary),
        // database, text; the filters judge it before anything refuses it (TransactionAssembler)
        byte[] text = "CREATE TABLE `\u0442\u0435\u0441\u0442` (a INT)".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 7, 0});
        b.write(new byte[] {4, 63, 0, 63, 0, 8, 0});
        b.write("test".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(0);
        b.write(text);
        SessionQueryDeserializer.SessionQueryEventData e = (SessionQueryDeserializer.SessionQueryEventData)
                new SessionQueryDeserializer(ClientCharsets.common()).deserialize(
                        new com.github.shyiko.mysql.binlog.io.ByteArrayInputStream(b.toByteArray()));
        assertThat(e.undecodable()).contains("SET NAMES binary");
        assertThat(e.getSql()).isEqualTo("CREATE TABLE `\u0442\u0435\u0441\u0442` (a INT)");
        assertThat(e.getDatabase()).isEqualTo("test");
    }
}
