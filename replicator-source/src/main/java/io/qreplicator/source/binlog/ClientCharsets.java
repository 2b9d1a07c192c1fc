package io.qreplicator.source.binlog;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes a statement's text in the character set its client sent it in (a QUERY event carries
 * the bytes as received, and the collation id of character_set_client): a latin1 client's
 * {@code ENUM('é')} must reach the standby as é. Collation ids are the primary's own
 * (information_schema.COLLATIONS, read at start); {@link #common()} knows the usual ones, for
 * reading binlog files without a server.
 */
public final class ClientCharsets {
    /** Server character set names and the Java charset that decodes them the same way. */
    private static final Map<String, String> JAVA = Map.ofEntries(Map.entry("utf8mb4", "UTF-8"),
            Map.entry("utf8mb3", "UTF-8"), Map.entry("utf8", "UTF-8"), Map.entry("latin1", "windows-1252"),
            Map.entry("ascii", "US-ASCII"), Map.entry("latin2", "ISO-8859-2"),
            Map.entry("latin5", "ISO-8859-9"), Map.entry("latin7", "ISO-8859-13"), Map.entry("greek", "ISO-8859-7"),
            Map.entry("hebrew", "ISO-8859-8"), Map.entry("cp1250", "windows-1250"), Map.entry("cp1251", "windows-1251"),
            Map.entry("cp1256", "windows-1256"), Map.entry("cp1257", "windows-1257"), Map.entry("cp850", "IBM850"),
            Map.entry("cp852", "IBM852"), Map.entry("cp866", "IBM866"), Map.entry("koi8r", "KOI8-R"),
            Map.entry("koi8u", "KOI8-U"), Map.entry("big5", "Big5"), Map.entry("gbk", "GBK"), Map.entry("gb2312", "GB2312"),
            Map.entry("gb18030", "GB18030"), Map.entry("sjis", "Shift_JIS"), Map.entry("cp932", "windows-31j"),
            Map.entry("ujis", "EUC-JP"), Map.entry("eucjpms", "x-eucJP-Open"), Map.entry("euckr", "EUC-KR"),
            Map.entry("tis620", "TIS-620"), Map.entry("macroman", "x-MacRoman"), Map.entry("macce", "x-MacCentralEurope"));

    private final Map<Integer, String> charsetOfCollation;

    private ClientCharsets(Map<Integer, String> charsetOfCollation) {
        this.charsetOfCollation = charsetOfCollation;
    }

    /** The primary's collation ids. */
    public static ClientCharsets load(Connection c) throws SQLException {
        Map<Integer, String> m = new HashMap<>(common().charsetOfCollation);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IS NOT NULL")) {
            while (rs.next()) {
                m.put(rs.getInt(1), rs.getString(2).toLowerCase(Locale.ROOT));
            }
        }
        return new ClientCharsets(m);
    }

    /** The ids MariaDB 10.11 and MySQL 8 share for latin1, utf8mb3, utf8mb4, ascii and binary, and MySQL 8's utf8mb4 range. */
    public static ClientCharsets common() {
        Map<Integer, String> m = new HashMap<>();
        for (int id : new int[] {5, 8, 15, 31, 47, 48, 49, 94}) {
            m.put(id, "latin1");
        }
        for (int id : new int[] {33, 76, 83}) {
            m.put(id, "utf8mb3");
        }
        for (int id = 192; id <= 223; id++) {
            m.put(id, "utf8mb3");
        }
        m.put(45, "utf8mb4");
        m.put(46, "utf8mb4");
        for (int id = 224; id <= 247; id++) {
            m.put(id, "utf8mb4");
        }
        for (int id = 255; id <= 323; id++) {
            m.put(id, "utf8mb4"); // MySQL 8's utf8mb4_0900_* and language collations
        }
        m.put(11, "ascii");
        m.put(65, "ascii");
        m.put(63, "binary");
        return new ClientCharsets(m);
    }

    /**
     * @param collationId the client's collation id, or -1 when the event does not say (then UTF-8,
     *                    the server's own charset for statement text)
     * @throws UnsupportedEventException for non-ASCII text in a character set it cannot decode exactly
     */
    public String decode(byte[] text, int collationId) {
        if (isAscii(text)) {
            return new String(text, StandardCharsets.US_ASCII); // the same in every client charset a server allows
        }
        if (collationId < 0) {
            return new String(text, StandardCharsets.UTF_8);
        }
        String name = charsetOfCollation.get(collationId);
        if ("binary".equals(name)) {
            // SET NAMES binary: the server takes identifiers' bytes as utf8 and string literals' bytes as they are
            // (into a latin1 column, UTF-8 bytes are two characters): no one decoding of the text replays both
            throw new UnsupportedEventException("a statement was sent by a client whose character set is binary (SET NAMES"
                    + " binary) and holds bytes beyond ASCII: the primary read its identifiers as utf8 and its strings as raw"
                    + " bytes, which no one decoding of the text replays exactly on the standby; have that client use utf8mb4"
                    + " or latin1, and make this statement's change on the standby by hand");
        }
        String java = name == null ? null : JAVA.get(name);
        if (java == null || !Charset.isSupported(java)) {
            throw new UnsupportedEventException("a statement was sent by a client whose character set is "
                    + (name == null ? "collation id " + collationId : name) + ", which the source cannot decode exactly;"
                    + " have that client use utf8mb4 or latin1");
        }
        return new String(text, Charset.forName(java));
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }
}
