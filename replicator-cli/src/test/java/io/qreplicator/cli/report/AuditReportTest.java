package io.qreplicator.cli.report;

import io.qreplicator.core.accounting.LagSampler;
import io.qreplicator.core.accounting.MinuteAccounting;
import io.qreplicator.core.accounting.StreamLag;
import io.qreplicator.core.accounting.TableAccounting;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.transport.LinkAccounting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AuditReportTest {
    private static final Instant DAY = Instant.parse("2026-11-18T00:00:00Z");

    /** Two hours of traffic written by the agents' own accounting classes, read back by hour. */
    @Test
    void periodsSumTheMinutesAndTotalsSumThePeriods(@TempDir Path acct) throws Exception {
        long h10 = DAY.plusSeconds(10 * 3600).toEpochMilli();
        long h11 = DAY.plusSeconds(11 * 3600).toEpochMilli();
        MinuteAccounting source = new MinuteAccounting(acct, "source", List.of("transactions", "binlog_bytes", "shaped_bytes",
                "spool_bytes")).range("gtid");
        source.add(h10 + 1_000, "0-1-5", 1, 1_000, 400, 404);
        source.add(h10 + 61_000, "0-1-6", 1, 3_000, 900, 904);
        source.add(h11 + 5_000, "0-1-7", 1, 500, 100, 104);
        source.flush();
        MinuteAccounting link = new MinuteAccounting(acct, "link-out", LinkAccounting.COUNTERS);
        link.add(h10 + 2_000, 1, 1_300, 200, 230, 40, 290, 60, 77);
        link.add(h11 + 6_000, 1, 100, 50, 70, 20, 110, 30, 11);
        link.flush();
        // the 10:00 hour's 1,300 shaped bytes by table: 1,000 to shop.items, 200 to shop.log, 100 to no table
        TableAccounting tables = new TableAccounting(acct);
        TableDef items = new TableDef("shop", "items", List.of(new ColumnDef("id", ColumnType.LONG, 0, false)), new int[]{0});
        TableDef log = new TableDef("shop", "log", List.of(new ColumnDef("id", ColumnType.LONG, 0, false)), new int[]{0});
        tables.at(h10 + 1_000);
        tables.tableBytes(items, null, 0, 30);
        tables.tableBytes(items, RowChange.Kind.INSERT, 3, 370);
        tables.recordDone(400);
        tables.at(h10 + 61_000);
        tables.tableBytes(items, RowChange.Kind.UPDATE, 2, 600);
        tables.tableBytes(log, RowChange.Kind.DELETE, 1, 200);
        tables.recordDone(900);
        tables.flush();
        java.util.concurrent.atomic.AtomicBoolean heard = new java.util.concurrent.atomic.AtomicBoolean(true);
        AtomicLong applied = new AtomicLong();
        AtomicLong received = new AtomicLong();
        StreamLag lag = new StreamLag(0, seq -> -1);
        LagSampler sampler = new LagSampler("t", acct, lag, applied::get, received::get, heard::get);
        lag.spooled(1, h10, h10);
        for (int s = 1; s <= 100; s++) { // seq 1 unapplied for 100 s, received after 10 s
            received.set(s > 10 ? 1 : 0);
            sampler.sample(h10 + s * 1_000L);
        }
        applied.set(1);
        received.set(1);
        sampler.sample(h11 + 1_000);
        heard.set(false); // an agent start, the sink not heard yet
        sampler.sample(h11 + 120_000);
        sampler.flush();

        AuditReport.LinkReport r = AuditReport.link("shard0", "s", "k", acct, DAY.plusSeconds(10 * 3600), DAY.plusSeconds(12 * 3600),
                AuditReport.By.HOUR, true);
        assertThat(r.periods()).hasSize(2);
        Traffic ten = r.periods().get(0).traffic();
        assertThat(ten.transactions()).isEqualTo(2);
        assertThat(ten.binlogBytes()).isEqualTo(4_000);
        assertThat(ten.wireBytes()).isEqualTo(350);
        assertThat(ten.samples()).isEqualTo(100);
        assertThat(ten.maxLagMillis(LagSampler.APPLIED)).isEqualTo(100_000);
        assertThat(ten.maxLagMillis(LagSampler.RECEIVED)).isEqualTo(10_000);
        assertThat(ten.lagMillis(LagSampler.APPLIED, 0.5)).isEqualTo(60_000);
        assertThat(ten.lagMillis(LagSampler.RECEIVED, 0.99)).isEqualTo(10_000);
        assertThat(ten.lagMillis(LagSampler.RECEIVED, 0.5)).as("received after 10 s: 0 ms since").isEqualTo(1);
        Traffic total = r.total();
        assertThat(total.binlogBytes()).isEqualTo(4_500);
        assertThat(total.wireBytes()).isEqualTo(490);
        assertThat(total.samples()).isEqualTo(101);
        assertThat(total.unmeasured()).isEqualTo(1);
        Map<String, Object> m = total.toMap();
        assertThat(m).containsEntry("first-gtid", "0-1-5").containsEntry("last-gtid", "0-1-7").containsEntry("shipped-bytes", 250L)
                .containsEntry("wire-bytes-out", 400L).containsEntry("wire-bytes-in", 90L).containsEntry("wire-ratio", 0.1089)
                .containsEntry("codec-cpu-ms", 0L);

        assertThat(ten.tables().rows(ten)).containsExactly(
                new TableUse.Row("shop.items", 3, 2, 0, 1_000, 1_000 / 1_300.0, Math.round(350 * 1_000 / 1_300.0)),
                new TableUse.Row("shop.log", 0, 0, 1, 200, 200 / 1_300.0, Math.round(350 * 200 / 1_300.0)),
                new TableUse.Row(TableAccounting.OTHER, 0, 0, 0, 100, 100 / 1_300.0, Math.round(350 * 100 / 1_300.0)));
        assertThat(ten.tables().unaccounted(ten)).isZero();
        Traffic eleven = r.periods().get(1).traffic();
        assertThat(eleven.tables().unaccounted(eleven)).as("11:00 spooled without table accounting").isEqualTo(100);

        AuditReport report = new AuditReport(DAY.plusSeconds(10 * 3600), DAY.plusSeconds(12 * 3600), AuditReport.By.HOUR, true, DAY,
                List.of(r, new AuditReport.LinkReport("far", "s2", "k2", "no accounting on this host", List.of(), new Traffic())),
                List.of(Map.of("started", "2026-11-18T10:30:00Z", "kind", "switchover", "link", "shard0", "outcome", "switched",
                        "write-pause-ms", 310)),
                List.of(new AuditReport.VerifyRun("shard0", "run-20261118-103000-000", DAY.plusSeconds(37_800), true, 3, 12, 5000, 1, 0, 0, 0)));
        String table = ReportText.table(report);
        assertThat(table).contains("link shard0 (s -> k)").containsPattern("2026-11-18 10:00Z\\s+2\\s+4000\\s+200\\s+350\\s+8\\.8%")
                .containsPattern("total\\s+3\\s+4500").contains("GTIDs 0-1-5 .. 0-1-7").contains("no accounting on this host")
                .contains("switchover").contains("write pause 310 ms").contains("differs").contains("How this was measured");
        assertThat(table).containsPattern("shop\\.items\\s+3\\s+2\\s+0\\s+1000\\s+71\\.4%\\s+~350")
                .contains("100 shaped bytes not accounted per table").contains("apportioned");
        assertThat(ReportText.tablesCsv(report).lines()).containsExactly(String.join(",", ReportText.TABLE_CSV_COLUMNS),
                "shard0,2026-11-18T10:00:00Z,shop.items,3,2,0,1000,0.7692,269",
                "shard0,2026-11-18T10:00:00Z,shop.log,0,0,1,200,0.1538,54",
                "shard0,2026-11-18T10:00:00Z,(other),0,0,0,100,0.0769,27",
                "shard0,total,shop.items,3,2,0,1000,0.7143,350",
                "shard0,total,shop.log,0,0,1,200,0.1429,70",
                "shard0,total,(other),0,0,0,100,0.0714,35");
        assertThat(ReportText.csv(report).lines()).containsExactly(String.join(",", ReportText.CSV_COLUMNS),
                "shard0,2026-11-18T10:00:00Z,2,0-1-5,0-1-6,4000,1300,200,290,60,0.0875,100,0,3500,60000,300000,100000,10000,10000",
                "shard0,2026-11-18T11:00:00Z,1,0-1-7,0-1-7,500,100,50,110,30,0.2800,1,1,3598,1,1,0,1,0",
                "shard0,total,3,0-1-5,0-1-7,4500,1400,250,400,90,0.1089,101,1,7098,60000,300000,100000,10000,10000");
        String html = ReportHtml.render(report);
        assertThat(html).contains("Per table (whole range)").contains("shop.log");
        assertThat(html).contains("<svg").contains("Link shard0").contains("switchover").contains("run-20261118-103000-000")
                .doesNotContain("<script");
    }
}
