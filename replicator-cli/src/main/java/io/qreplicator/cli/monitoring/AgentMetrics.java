package io.qreplicator.cli.monitoring;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qreplicator.core.accounting.LagSampler;
import io.qreplicator.core.latency.StageLatency;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.sink.verify.VerifyLedger;
import io.qreplicator.transport.LinkAccounting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * An agent's Prometheus metrics, read from the running stages' own typed counters at each scrape
 * (callbacks: no value is kept twice). Every name starts with {@code qreplicator_}, carries its
 * unit and the label {@code agent}; the list is docs/metrics.md. JVM metrics (memory, GC,
 * threads) come from the Prometheus client's JVM instrumentation.
 */
public final class AgentMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String agent;

    public AgentMetrics(String agent) {
        this.agent = agent;
        JvmMetrics.builder().register(registry);
        gauge("qreplicator_agent_start_time_seconds", "When this agent process started, in Unix seconds.",
                () -> java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** A gauge with the agent label. */
    public AgentMetrics gauge(String name, String help, DoubleSupplier value) {
        registry.register(GaugeWithCallback.builder().name(name).help(help).labelNames("agent")
                .callback(cb -> cb.call(value.getAsDouble(), agent)).build());
        return this;
    }

    /** A counter (monotonic since the agent started) with the agent label; exposed with {@code _total}. */
    public AgentMetrics counter(String name, String help, DoubleSupplier value) {
        registry.register(CounterWithCallback.builder().name(name).help(help).labelNames("agent")
                .callback(cb -> cb.call(value.getAsDouble(), agent)).build());
        return this;
    }

    /** 1 while the stage's loop runs, 0 once it stopped or failed. */
    public AgentMetrics stageUp(List<RunLoop> stages) {
        return stageUp(() -> stages);
    }

    /** As {@link #stageUp(List)}, for stages that start later (the sink's, once its standby answered). */
    public AgentMetrics stageUp(Supplier<List<RunLoop>> stages) {
        registry.register(GaugeWithCallback.builder().name("qreplicator_stage_up").help("1 while the stage runs, 0 when it stopped or failed.")
                .labelNames("agent", "stage").callback(cb -> {
                    for (RunLoop s : stages.get()) {
                        cb.call(s.isRunning() && s.failure() == null ? 1 : 0, agent, s.name());
                    }
                }).build());
        return this;
    }

    /**
     * The link's byte counters (one end's view), named by {@link LinkAccounting#COUNTERS}: batches,
     * record bytes (before compression), payload bytes (after), frame and wire bytes per
     * direction, codec CPU.
     */
    public AgentMetrics link(String link, Supplier<long[]> counters, java.util.function.BooleanSupplier connected) {
        gauge("qreplicator_link_connected", "1 while the link's session with its peer is open.", () -> connected.getAsBoolean() ? 1 : 0);
        registry.register(CounterWithCallback.builder().name("qreplicator_link_batches").help("Batches sent or received on the link.")
                .labelNames("agent", "link").callback(cb -> cb.call(counters.get()[0], agent, link)).build());
        registry.register(CounterWithCallback.builder().name("qreplicator_link_record_bytes")
                .help("Record bytes before compression sent or received on the link.").labelNames("agent", "link")
                .callback(cb -> cb.call(counters.get()[1], agent, link)).build());
        registry.register(CounterWithCallback.builder().name("qreplicator_link_payload_bytes")
                .help("Compressed batch bytes sent or received on the link.").labelNames("agent", "link")
                .callback(cb -> cb.call(counters.get()[2], agent, link)).build());
        registry.register(CounterWithCallback.builder().name("qreplicator_link_frame_bytes")
                .help("Protocol frame bytes (payload plus headers, inside TLS) by direction.").labelNames("agent", "link", "direction")
                .callback(cb -> {
                    long[] c = counters.get();
                    cb.call(c[3], agent, link, "out");
                    cb.call(c[4], agent, link, "in");
                }).build());
        registry.register(CounterWithCallback.builder().name("qreplicator_link_wire_bytes")
                .help("Bytes the link's socket carried (frames plus TLS) by direction.").labelNames("agent", "link", "direction")
                .callback(cb -> {
                    long[] c = counters.get();
                    cb.call(c[5], agent, link, "out");
                    cb.call(c[6], agent, link, "in");
                }).build());
        registry.register(CounterWithCallback.builder().name("qreplicator_link_codec_cpu_seconds")
                .help("CPU time spent compressing (source) or decompressing (sink) batches.").labelNames("agent", "link")
                .callback(cb -> cb.call(counters.get()[7] / 1e6, agent, link)).build());
        return this;
    }

    /**
     * Errors each stage met and retried past (a lost connection, a lock wait timeout: the known
     * transient ones; anything else stops the stage, which {@code qreplicator_stage_up} shows).
     */
    public AgentMetrics errors(java.util.Map<String, Supplier<io.qreplicator.core.status.StageError>> stages) {
        registry.register(CounterWithCallback.builder().name("qreplicator_stage_errors")
                .help("Errors a stage met and retried past, by stage, since the stage started.").labelNames("agent", "stage")
                .callback(cb -> stages.forEach((name, e) -> {
                    io.qreplicator.core.status.StageError err = e.get();
                    cb.call(err == null ? 0 : err.count(), agent, name);
                })).build());
        return this;
    }

    /** The source's lag from the sink's Acks ({@link LagSampler}), in seconds, by stage. */
    public AgentMetrics lag(LagSampler lag) {
        registry.register(GaugeWithCallback.builder().name("qreplicator_lag_seconds")
                .help("Age of the oldest transaction not yet applied on the standby (stage=applied) or not yet received by the sink"
                        + " (stage=received: the RPO), measured on the source's clock; 0 when none.")
                .labelNames("agent", "stage").callback(cb -> {
                    cb.call(lag.appliedMillis() / 1000.0, agent, LagSampler.APPLIED);
                    cb.call(lag.receivedMillis() / 1000.0, agent, LagSampler.RECEIVED);
                }).build());
        registry.register(GaugeWithCallback.builder().name("qreplicator_lag_binlog_bytes")
                .help("Binlog bytes of the transactions the source spooled and the standby has not applied (stage=applied) or the"
                        + " sink has not received (stage=received); what the source has not read yet is not counted.")
                .labelNames("agent", "stage").callback(cb -> {
                    long applied = lag.appliedBytes();
                    long received = lag.receivedBytes();
                    cb.call(applied < 0 ? Double.NaN : applied, agent, LagSampler.APPLIED); // NaN: the sink not heard yet
                    cb.call(received < 0 ? Double.NaN : received, agent, LagSampler.RECEIVED);
                }).build());
        return this;
    }

    /**
     * Verify results on the standby ({@code qrepl verify}): chunks compared since the agent started
     * by result, tables by their last result (kept across restarts), and when the table verified
     * longest ago was last compared.
     */
    public AgentMetrics verify(VerifyLedger ledger) {
        registry.register(CounterWithCallback.builder().name("qreplicator_verify_chunks")
                .help("Verify chunks compared on the standby since this start, by result (equal, differs, error, uncompared).")
                .labelNames("agent", "result").callback(cb -> {
                    for (String r : VerifyLedger.RESULTS) {
                        cb.call(ledger.chunks(r), agent, r);
                    }
                }).build());
        registry.register(GaugeWithCallback.builder().name("qreplicator_verify_tables")
                .help("Tables by the result of their last verify (differs: any chunk of the table's last run differed).")
                .labelNames("agent", "result").callback(cb -> {
                    for (String r : VerifyLedger.RESULTS) {
                        cb.call(ledger.tables(r), agent, r);
                    }
                }).build());
        gauge("qreplicator_verify_oldest_result_timestamp_seconds", "When the table verified longest ago was last compared, in"
                + " Unix seconds; 0 when no table ever was.", () -> ledger.oldestResultMillis() / 1000.0);
        return this;
    }

    /**
     * Each stage's share of a transaction's way from the primary to the standby, timed on this
     * agent's own monotonic clock ({@link StageLatency}), as one histogram with a {@code stage} label.
     */
    public AgentMetrics latency(List<StageLatency> stages) {
        return latency(() -> stages);
    }

    /** As {@link #latency(List)}, for stages that start later (the sink's apply, once its standby answered). */
    public AgentMetrics latency(Supplier<List<StageLatency>> stages) {
        registry.register(new io.prometheus.metrics.model.registry.Collector() {
            @Override
            public io.prometheus.metrics.model.snapshots.MetricSnapshot collect() {
                var builder = io.prometheus.metrics.model.snapshots.HistogramSnapshot.builder()
                        .name("qreplicator_stage_latency_seconds")
                        .help("Time a transaction spends in each stage on its way to the standby, by stage (docs/metrics.md).");
                for (StageLatency s : stages.get()) {
                    long[] counts = s.counts();
                    var buckets = io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets.builder();
                    for (int i = 0; i < counts.length; i++) { // each bucket's own count: the exposition adds them up
                        buckets.bucket(i < StageLatency.BOUNDS_SECONDS.length ? StageLatency.BOUNDS_SECONDS[i] : Double.POSITIVE_INFINITY,
                                counts[i]);
                    }
                    builder.dataPoint(io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(buckets.build()).sum(s.sumSeconds())
                            .labels(io.prometheus.metrics.model.snapshots.Labels.of("agent", agent, "stage", s.stage())).build());
                }
                return builder.build();
            }

            @Override
            public String getPrometheusName() {
                return "qreplicator_stage_latency_seconds";
            }
        });
        return this;
    }

    /** The bytes the spool's files take on disk. */
    public AgentMetrics spoolDisk(Path dir) {
        gauge("qreplicator_spool_disk_bytes", "Apparent size of the spool's files (preallocated, sparse files count their full length).",
                () -> diskBytes(dir));
        return this;
    }

    static double diskBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted by retention meanwhile
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return Double.NaN;
        }
    }
}
