package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.QueryEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a QUERY event with its status variables ({@link QueryStatusVars}) and its text decoded in
 * the client's character set ({@link ClientCharsets}), where the library skips the one and decodes
 * the other with the JVM's default charset.
 */
public final class SessionQueryDeserializer extends QueryEventDataDeserializer {
    /** A QUERY event and the session it ran in. */
    public static final class SessionQueryEventData extends QueryEventData {
        private QueryStatusVars status = QueryStatusVars.NONE;
        private String undecodable;

        public QueryStatusVars status() {
            return status;
        }

        /**
         * Why the text could not be decoded exactly in its client's character set, or null. The text is
         * then read as UTF-8, good enough for the filters to judge the objects it names; a statement the
         * filters keep stops the source ({@code TransactionAssembler}), one they drop costs nothing.
         */
        public String undecodable() {
            return undecodable;
        }
    }

    private final ClientCharsets charsets;

    SessionQueryDeserializer(ClientCharsets charsets) {
        this.charsets = charsets;
    }

    @Override
    public QueryEventData deserialize(ByteArrayInputStream in) throws IOException {
        SessionQueryEventData e = new SessionQueryEventData();
        e.setThreadId(in.readLong(4));
        e.setExecutionTime(in.readLong(4));
        in.skip(1); // database name length: the name is NUL-terminated too
        e.setErrorCode(in.readInteger(2));
        int statusLength = in.readInteger(2);
        e.status = QueryStatusVars.parse(in.read(statusLength));
        e.setDatabase(new String(readZeroTerminated(in), StandardCharsets.UTF_8));
        byte[] text = in.read(in.available());
        try {
            e.setSql(charsets.decode(text, e.status.clientCharset()));
        } catch (UnsupportedEventException undecodable) {
            e.undecodable = undecodable.getMessage();
            e.setSql(new String(text, StandardCharsets.UTF_8));
        }
        return e;
    }

    private static byte[] readZeroTerminated(ByteArrayInputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(32);
        for (int b = in.read(); b != 0 && b != -1; b = in.read()) {
            out.write(b);
        }
        return out.toByteArray();
    }
}
