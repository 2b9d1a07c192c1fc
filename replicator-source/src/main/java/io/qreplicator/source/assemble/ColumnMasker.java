package io.qreplicator.source.assemble;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.source.ColumnRule;
import io.qreplicator.source.FilterConfig;
import io.qreplicator.source.binlog.UnsupportedEventException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Applies the column rules to row images as they are read, so a dropped or masked value never
 * reaches the spool, the link or the standby.
 *
 * <p>A dropped column is removed from every image (the standby keeps its default). A masked
 * string or binary becomes the hex HMAC-SHA256 of its bytes under the mask key, cut to the
 * original length (so it fits the column); a masked integer becomes the digest's low bits within
 * the column's width. The same value always gives the same mask, so keys and unique indexes still
 * hold on the standby; without the key the digest cannot be reversed, even for short numbers.
 * Primary-key columns may be masked but not dropped (rows could no longer be found).
 */
public final class ColumnMasker {
    private record Plan(BitSet drop, BitSet mask) {
        boolean isEmpty() {
            return drop.isEmpty() && mask.isEmpty();
        }
    }

    private static final Plan NONE = new Plan(new BitSet(), new BitSet());

    private final List<ColumnRule> rules;
    private final List<List<Pattern>> tablePatterns;
    private final byte[] key;
    private final Map<TableDef, Plan> plans = new IdentityHashMap<>();
    private Mac mac;

    public ColumnMasker(FilterConfig config) {
        this.rules = config.columns();
        this.tablePatterns = rules.stream().map(r -> r.tables().stream().map(ChangeFilterPatterns::of).toList()).toList();
        this.key = config.maskKey();
    }

    /** True when a column rule names {@code schema.table}: its standby rows differ from the primary's by design. */
    public boolean hasRulesFor(String schema, String table) {
        String qualified = schema + "." + table;
        return tablePatterns.stream().anyMatch(ps -> ps.stream().anyMatch(p -> p.matcher(qualified).matches()));
    }

    public RowImage apply(TableDef table, RowImage image) {
        if (rules.isEmpty() || image == null) {
            return image;
        }
        Plan plan = plans.computeIfAbsent(table, this::plan);
        if (plan.isEmpty()) {
            return image;
        }
        BitSet present = (BitSet) image.present().clone();
        present.andNot(plan.drop());
        Object[] values = image.values().clone();
        for (int i = plan.drop().nextSetBit(0); i >= 0; i = plan.drop().nextSetBit(i + 1)) {
            values[i] = null;
        }
        for (int i = plan.mask().nextSetBit(0); i >= 0; i = plan.mask().nextSetBit(i + 1)) {
            if (present.get(i) && values[i] != null) {
                values[i] = mask(table.columns().get(i), values[i]);
            }
        }
        return new RowImage(present, values);
    }

    private Plan plan(TableDef t) {
        String qualified = t.qualifiedName();
        BitSet drop = new BitSet();
        BitSet mask = new BitSet();
        for (int r = 0; r < rules.size(); r++) {
            if (tablePatterns.get(r).stream().noneMatch(p -> p.matcher(qualified).matches())) {
                continue;
            }
            if (!t.namesKnown()) {
                throw new UnsupportedEventException("filters.columns has a rule for " + qualified + ", but its rows at this"
                        + " point of the binlog carry no column names (the primary does not log them, and the table is"
                        + " altered again further on): the rule cannot be applied, and the rows must not pass unmasked."
                        + " Set binlog_row_metadata=FULL on the primary, and re-seed the standby (docs/seeding.md) from a point after"
                        + " the ALTER.");
            }
            mark(t, rules.get(r).drop(), drop);
            mark(t, rules.get(r).mask(), mask);
        }
        for (int k : t.primaryKey()) {
            if (drop.get(k)) {
                throw new UnsupportedEventException("filters.columns drops " + qualified + "." + t.columns().get(k).name()
                        + ", a primary-key column: rows could not be found on the standby. Mask it instead");
            }
        }
        for (int i = mask.nextSetBit(0); i >= 0; i = mask.nextSetBit(i + 1)) {
            int type = t.columns().get(i).type();
            ColumnType.Representation rep = ColumnType.representation(type);
            boolean plainInteger = type == ColumnType.TINY || type == ColumnType.SHORT || type == ColumnType.INT24
                    || type == ColumnType.LONG || type == ColumnType.LONGLONG;
            if (rep != ColumnType.Representation.BYTES && !plainInteger) {
                throw new UnsupportedEventException("filters.columns masks " + qualified + "." + t.columns().get(i).name()
                        + ", a " + rep.name().toLowerCase(Locale.ROOT) + " column: masking supports string, binary and integer"
                        + " (TINYINT..BIGINT) columns; drop it instead");
            }
        }
        mask.andNot(drop);
        return drop.isEmpty() && mask.isEmpty() ? NONE : new Plan(drop, mask);
    }

    private static void mark(TableDef t, List<String> names, BitSet bits) {
        for (int i = 0; i < t.columns().size(); i++) {
            String name = t.columns().get(i).name();
            if (names.stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
                bits.set(i);
            }
        }
    }

    private Object mask(ColumnDef column, Object value) {
        byte[] input = value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8);
        byte[] digest = hmac(input);
        if (value instanceof byte[] b) {
            String hex = HexFormat.of().formatHex(digest);
            return hex.substring(0, Math.max(1, Math.min(b.length, hex.length()))).getBytes(StandardCharsets.US_ASCII);
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (digest[i] & 0xFF);
        }
        int bits = ColumnType.integerBytes(column.type()) * 8;
        long m = bits == 64 ? v : v & ((1L << bits) - 1);
        if (!column.unsigned() && bits < 64) {
            m = (m << (64 - bits)) >> (64 - bits); // sign-extend into the signed range of the column
        }
        return m;
    }

    private byte[] hmac(byte[] input) {
        try {
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            }
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable: " + e.getMessage(), e);
        }
    }
}
