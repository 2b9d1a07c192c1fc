package io.qreplicator.source.binlog;

/**
 * What a QUERY event's status variables say of the session the statement ran in, as far as
 * replaying it exactly needs: sql_mode, the character sets, the time zone, the fraction of the
 * second, lc_time_names, explicit_defaults_for_timestamp, and the invoker (the account a
 * statement's CURRENT_USER, or a new role's admin, stands for). A native replica sets the same before
 * it runs the statement (log_event.cc, Query_log_event). Fields the event does not carry are -1 / null.
 *
 * <p>The variables are a sequence of (code, value) whose lengths only the code tells; parsing stops
 * at a code this class does not know, as a native replica does, and says so in {@code unknownCode}.
 */
public record QueryStatusVars(long flags2, long sqlMode, int clientCharset, int collationConnection, int collationServer,
                              String timeZone, int lcTimeNames, int microseconds, int explicitDefaultsForTimestamp,
                              int unknownCode, String invokerUser, String invokerHost, int gtidFlags3) {
    public static final QueryStatusVars NONE = new QueryStatusVars(-1, -1, -1, -1, -1, null, -1, -1, -1, -1, null, null, -1);

    /** Q_GTID_FLAGS3 bits (MariaDB 10.8+, binlog_alter_two_phase): the ALTER's start, its commit, its rollback. */
    private static final int FL_START_ALTER = 2;
    private static final int FL_COMMIT_ALTER = 4;
    private static final int FL_ROLLBACK_ALTER = 8;

    public QueryStatusVars(long flags2, long sqlMode, int clientCharset, int collationConnection, int collationServer,
                           String timeZone, int lcTimeNames, int microseconds, int explicitDefaultsForTimestamp, int unknownCode,
                           String invokerUser, String invokerHost) {
        this(flags2, sqlMode, clientCharset, collationConnection, collationServer, timeZone, lcTimeNames, microseconds,
                explicitDefaultsForTimestamp, unknownCode, invokerUser, invokerHost, -1);
    }

    /**
     * The first of an ALTER's two events under MariaDB's {@code binlog_alter_two_phase}: logged when the
     * ALTER starts on the primary, before it is known to succeed. Its commit or rollback follows as
     * an event of its own, with the same text.
     */
    public boolean startAlter() {
        return alterPhase(FL_START_ALTER);
    }

    /** The second event of a two-phase ALTER, when it committed on the primary: the ALTER to replay. */
    public boolean commitAlter() {
        return alterPhase(FL_COMMIT_ALTER);
    }

    /** The second event of a two-phase ALTER, when it failed or was killed on the primary: nothing changed. */
    public boolean rollbackAlter() {
        return alterPhase(FL_ROLLBACK_ALTER);
    }

    /** Whether the event carried Q_GTID_FLAGS3 (-1 when it did not) with {@code bit} set. */
    private boolean alterPhase(int bit) {
        return gtidFlags3 > 0 && (gtidFlags3 & bit) != 0;
    }

    public QueryStatusVars(long flags2, long sqlMode, int clientCharset, int collationConnection, int collationServer,
                           String timeZone, int lcTimeNames, int microseconds, int explicitDefaultsForTimestamp, int unknownCode) {
        this(flags2, sqlMode, clientCharset, collationConnection, collationServer, timeZone, lcTimeNames, microseconds,
                explicitDefaultsForTimestamp, unknownCode, null, null);
    }

    /** flags2 bit: the session ran with foreign_key_checks=0. */
    public static final long OPTION_NO_FOREIGN_KEY_CHECKS = 1L << 26;
    /** flags2 bit (MariaDB): the session ran with check_constraint_checks=0. */
    public static final long OPTION_NO_CHECK_CONSTRAINT_CHECKS = 1L << 15;

    /** @throws UnsupportedEventException when the variables are cut short */
    public static QueryStatusVars parse(byte[] b) {
        try {
            return read(b);
        } catch (IndexOutOfBoundsException e) {
            throw new UnsupportedEventException("the status variables of a QUERY event end in the middle of a value ("
                    + b.length + " bytes): the event is damaged or of a format the source does not know");
        }
    }

    private static QueryStatusVars read(byte[] b) {
        long flags2 = -1;
        long sqlMode = -1;
        int client = -1;
        int connection = -1;
        int server = -1;
        String timeZone = null;
        int lcTime = -1;
        int micros = -1;
        int explicitDefaults = -1;
        int unknown = -1;
        String invokerUser = null;
        String invokerHost = null;
        int gtidFlags3 = -1;
        int p = 0;
        while (p < b.length && unknown < 0) {
            int code = b[p++] & 0xff;
            switch (code) {
                case 0 -> { // Q_FLAGS2_CODE
                    flags2 = le(b, p, 4);
                    p += 4;
                }
                case 1 -> { // Q_SQL_MODE_CODE
                    sqlMode = le(b, p, 8);
                    p += 8;
                }
                case 2 -> p += (b[p] & 0xff) + 2; // Q_CATALOG_CODE: length, name, NUL
                case 3 -> p += 4; // Q_AUTO_INCREMENT: increment, offset
                case 4 -> { // Q_CHARSET_CODE
                    client = (int) le(b, p, 2);
                    connection = (int) le(b, p + 2, 2);
                    server = (int) le(b, p + 4, 2);
                    p += 6;
                }
                case 5 -> { // Q_TIME_ZONE_CODE
                    int n = b[p] & 0xff;
                    timeZone = new String(b, p + 1, n, java.nio.charset.StandardCharsets.US_ASCII);
                    p += 1 + n;
                }
                case 6 -> p += (b[p] & 0xff) + 1; // Q_CATALOG_NZ_CODE
                case 7 -> { // Q_LC_TIME_NAMES_CODE
                    lcTime = (int) le(b, p, 2);
                    p += 2;
                }
                case 8 -> p += 2; // Q_CHARSET_DATABASE_CODE: the standby's database has its own
                case 9 -> p += 8; // Q_TABLE_MAP_FOR_UPDATE_CODE
                case 10 -> p += 4; // Q_MASTER_DATA_WRITTEN_CODE
                case 11 -> { // Q_INVOKER: user, host (empty for a role: CURRENT_ROLE)
                    int n = b[p] & 0xff;
                    invokerUser = new String(b, p + 1, n, java.nio.charset.StandardCharsets.UTF_8);
                    p += n + 1;
                    n = b[p] & 0xff;
                    invokerHost = new String(b, p + 1, n, java.nio.charset.StandardCharsets.UTF_8);
                    p += n + 1;
                }
                case 12 -> { // Q_UPDATED_DB_NAMES
                    int n = b[p++] & 0xff;
                    if (n != 254) { // OVER_MAX_DBS_IN_EVENT_MTS: no names follow
                        for (int i = 0; i < n; i++) {
                            while (b[p] != 0) {
                                p++;
                            }
                            p++;
                        }
                    }
                }
                case 13, 128 -> { // Q_MICROSECONDS (MySQL), Q_HRNOW (MariaDB)
                    micros = (int) le(b, p, 3);
                    p += 3;
                }
                case 14 -> p += 8; // Q_COMMIT_TS
                case 15 -> p += 8; // Q_COMMIT_TS2
                case 16 -> explicitDefaults = b[p++]; // Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP
                case 17 -> p += 8; // Q_DDL_LOGGED_WITH_XID
                case 18 -> p += 2; // Q_DEFAULT_COLLATION_FOR_UTF8MB4
                case 19, 20 -> p += 1; // Q_SQL_REQUIRE_PRIMARY_KEY, Q_DEFAULT_TABLE_ENCRYPTION
                case 129 -> p += 8; // Q_XID (MariaDB)
                case 130 -> { // Q_GTID_FLAGS3 (MariaDB): a two-phase ALTER's phase; its commit or rollback names the start's seq_no
                    gtidFlags3 = b[p++] & 0xff;
                    if ((gtidFlags3 & (FL_COMMIT_ALTER | FL_ROLLBACK_ALTER)) != 0) {
                        p += 8;
                    }
                }
                default -> unknown = code;
            }
        }
        return new QueryStatusVars(flags2, sqlMode, client, connection, server, timeZone, lcTime, micros, explicitDefaults,
                unknown, invokerUser, invokerHost, gtidFlags3);
    }

    private static long le(byte[] b, int p, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }
}
