package io.qreplicator.core.model;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TemporalsTest {
    @Test
    void literalsOfEdgeValues() {
        assertThat(Temporals.dateLiteral(Temporals.date(0, 0, 0))).isEqualTo("0000-00-00");
        assertThat(Temporals.dateLiteral(Temporals.date(2024, 2, 29))).isEqualTo("2024-02-29");
        assertThat(Temporals.datetimeLiteral(Temporals.datetime(9999, 12, 31, 23, 59, 59, 999_999)))
                .isEqualTo("9999-12-31 23:59:59.999999");
        assertThat(Temporals.datetimeLiteral(Temporals.datetime(1, 1, 1, 0, 0, 0, 1))).isEqualTo("0001-01-01 00:00:00.000001");
        assertThat(Temporals.timeLiteral(Temporals.time(true, 838, 59, 59, 0))).isEqualTo("-838:59:59.000000");
        assertThat(Temporals.timeLiteral(Temporals.time(false, 0, 0, 0, 500))).isEqualTo("00:00:00.000500");
        assertThat(Temporals.timeLiteral(Temporals.time(true, 0, 0, 1, 0))).isEqualTo("-00:00:01.000000");
        assertThat(Temporals.timestampLiteral(0)).isEqualTo("0000-00-00 00:00:00.000000");
        assertThat(Temporals.timestampLiteral(1_000_000L)).isEqualTo("1970-01-01 00:00:01.000000");
        assertThat(Temporals.timestampLiteral(2_147_483_647_999_999L)).isEqualTo("2038-01-19 03:14:07.999999");
        // four characters always: only '0000' is the zero year in a YEAR(2) column
        assertThat(Temporals.yearLiteral(0)).isEqualTo("0000");
        assertThat(Temporals.yearLiteral(1901)).isEqualTo("1901");
        assertThat(Temporals.yearLiteral(2155)).isEqualTo("2155");
    }

    @Test
    void literalsMatchZeroPaddedDecimalFieldsForRandomValues() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            int y = r.nextInt(10_000), mo = r.nextInt(13), d = r.nextInt(32), h = r.nextInt(24), mi = r.nextInt(60);
            int s = r.nextInt(60), us = r.nextInt(1_000_000), th = r.nextInt(839);
            assertThat(Temporals.datetimeLiteral(Temporals.datetime(y, mo, d, h, mi, s, us)))
                    .isEqualTo(String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d.%06d", y, mo, d, h, mi, s, us));
            boolean neg = r.nextBoolean();
            assertThat(Temporals.timeLiteral(Temporals.time(neg, th, mi, s, us)))
                    .isEqualTo(String.format(Locale.ROOT, "%s%02d:%02d:%02d.%06d", neg && (th + mi + s + us) > 0 ? "-" : "", th, mi, s, us));
            long epochMicros = r.nextLong(1L, 2_147_483_648_000_000L);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), 0, ZoneOffset.UTC);
            assertThat(Temporals.timestampLiteral(epochMicros)).isEqualTo(String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d.%06d",
                    t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), epochMicros % 1_000_000L));
        }
    }

    @Test
    void literalsUseAsciiDigitsWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            for (String tag : new String[]{"ar-EG", "fa-IR", "th-TH-u-nu-thai"}) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertThat(String.format("%d", 7)).as("this JVM localises digits under " + tag).isNotEqualTo("7");
                assertThat(Temporals.datetimeLiteral(Temporals.datetime(2026, 12, 1, 5, 6, 7, 42)))
                        .isEqualTo("2026-12-01 05:06:07.000042");
                assertThat(Temporals.timestampLiteral(1_764_565_567_000_042L)).isEqualTo("2025-12-01 05:06:07.000042");
                assertThat(Temporals.timeLiteral(Temporals.time(true, 1, 2, 3, 4))).isEqualTo("-01:02:03.000004");
                assertThat(Temporals.dateLiteral(Temporals.date(2026, 1, 2))).isEqualTo("2026-01-02");
            }
        } finally {
            Locale.setDefault(before);
        }
    }
}
