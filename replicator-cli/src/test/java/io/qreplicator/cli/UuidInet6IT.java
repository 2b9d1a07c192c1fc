package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Fixed-length binary values that end in zero bytes: UUID and INET6 (MariaDB's native types), INET4
 * and BINARY(n). The binlog strips a fixed-length string's trailing pad bytes, so the nil UUID
 * {@code 00000000-0000-0000-0000-000000000000} and INET6 {@code ::} arrive as no bytes at all, which
 * the standby refused ("Incorrect uuid value: ''") and which stopped the sink. The sink pads them
 * back to their length, which also makes a key or a keyless row ending in zero bytes findable.
 */
class UuidInet6IT extends RunningPair {
    @Test
    void valuesEndingInZeroBytesArriveWhole() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fbt",
                "CREATE TABLE fbt.vals (id INT PRIMARY KEY, u UUID, i6 INET6, i4 INET4, b BINARY(16), b4 BINARY(4))",
                "INSERT INTO fbt.vals VALUES"
                        + " (1, '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0', X'00000000000000000000000000000000', X'00000000'),"
                        + " (2, '12345678-0000-0000-0000-000000000000', '2001:db8::', '10.0.0.0', X'01000000000000000000000000000000', X'AB000000'),"
                        + " (3, '00000000-0000-0000-0000-000000000001', '::1', '0.0.0.1', X'00000000000000000000000000000001', X'000000AB'),"
                        + " (4, '6ccd780c-baba-1026-9564-5b8c656024db', 'fe80::1:0', '192.168.0.0', X'0102', X''),"
                        + " (5, NULL, NULL, NULL, NULL, NULL)");
        onPrimary("UPDATE fbt.vals SET u = '00000000-0000-0000-0000-000000000000', i6 = '::' WHERE id = 2",
                "UPDATE fbt.vals SET u = 'ffffffff-ffff-ffff-0000-000000000000', b4 = X'00' WHERE id = 5",
                "UPDATE fbt.vals SET i6 = '1::', i4 = '1.0.0.0', b = X'FF' WHERE id IN (1, 3, 4)", // one shape: merged
                "DELETE FROM fbt.vals WHERE id = 3");
        assertReplicated();
    }

    @Test
    void rowsAreFoundByKeysEndingInZeroBytes() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fbt",
                "CREATE TABLE fbt.by_uuid (u UUID PRIMARY KEY, v INT)",
                "CREATE TABLE fbt.by_inet6 (i INET6 PRIMARY KEY, v INT)",
                "CREATE TABLE fbt.by_binary (b BINARY(8) PRIMARY KEY, v INT)",
                "INSERT INTO fbt.by_uuid VALUES ('00000000-0000-0000-0000-000000000000', 1), ('abcdef00-0000-0000-0000-000000000000', 2),"
                        + " ('abcdef00-0000-0000-0000-000000000001', 3)",
                "INSERT INTO fbt.by_inet6 VALUES ('::', 1), ('2001:db8::', 2), ('::ffff:0.0.0.0', 3)",
                "INSERT INTO fbt.by_binary VALUES (X'', 1), (X'0100000000000000', 2), (X'0000000000000001', 3)",
                "UPDATE fbt.by_uuid SET v = v + 10",
                "UPDATE fbt.by_inet6 SET v = v + 10",
                "UPDATE fbt.by_binary SET v = v + 10",
                "UPDATE fbt.by_uuid SET u = 'abcdef00-0000-0000-0000-000000000002' WHERE v = 11",
                "DELETE FROM fbt.by_uuid WHERE u = 'abcdef00-0000-0000-0000-000000000000'",
                "DELETE FROM fbt.by_inet6 WHERE i = '::'",
                "UPDATE fbt.by_inet6 SET i = '::' WHERE i = '2001:db8::'",
                "DELETE FROM fbt.by_binary WHERE v = 12");
        assertReplicated();
    }

    @Test
    void aTableWithoutKeyFindsRowsEndingInZeroBytes() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fbt",
                "CREATE TABLE fbt.keyless (u UUID, i INET6, b BINARY(4), v INT)",
                "INSERT INTO fbt.keyless VALUES ('00000000-0000-0000-0000-000000000000', '::', X'01000000', 1),"
                        + " ('00000000-0000-0000-0000-000000000000', '::', X'01000000', 1), ('12000000-0000-0000-0000-000000000000', '1::', X'', 2)",
                "UPDATE fbt.keyless SET v = 5 WHERE v = 1 LIMIT 1",
                "UPDATE fbt.keyless SET b = X'02' WHERE v = 2",
                "DELETE FROM fbt.keyless WHERE v = 1",
                "DELETE FROM fbt.keyless WHERE v = 2");
        assertReplicated();
    }
}
