package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.messages.ErrorReason;
import io.hastegw.plugin.api.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * The gateway's metrics in a Micrometer Prometheus registry: frames received, processed and
 * dropped per camera series (see {@link CameraTracker}), errors by reason, end-to-end and inference latency histograms, the current
 * queue state and broker connectivity (the load and control meters come from {@link ControlMetrics}),
 * plus JVM memory, GC, threads and process CPU.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final String[] PER_CAMERA = {"haste_frames_received", "haste_frames_processed", "haste_frames_dropped", "haste_frames_shed",
        "haste_energy_millijoules", "haste_energy_dense_millijoules"};
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DoubleAdder> totals = new ConcurrentHashMap<>();
    private final Timer latency;
    private final Timer inference;
    private final Counter unsent;

    /** Creates the registry with its gauges reading {@code queued}, {@code inFlight} and {@code connected}. */
    public GatewayMetrics(Supplier<Number> queued, Supplier<Number> inFlight, Supplier<Number> connected) {
        latency = Timer.builder("haste_frame_latency").description("frame arrival to prediction publication")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        inference = Timer.builder("haste_inference").description("model run per frame")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        // Supplier gauges hold their function strongly (a gauge on an object holds it weakly: a lambda would be collected, reading NaN).
        Gauge.builder("haste_queue_frames", queued).description("frames waiting").register(registry);
        Gauge.builder("haste_in_flight_frames", inFlight).description("frames being processed").register(registry);
        unsent = Counter.builder("haste_predictions_unsent").description("predictions the MQTT connection did not take (broker down, outbox full)")
                .register(registry);
        // Every error reason is served from the start, at 0, so a dashboard shows 0 rather than "No data" until the first error.
        for (ErrorReason reason : ErrorReason.values()) {
            counter("haste_frame_errors", "reason", reason.wireName());
        }
        Gauge.builder("haste_mqtt_connected", connected).description("1 when the broker connection is ready").register(registry);
    }

    /** A frame arrived for {@code camera}: its processed, dropped and shed counters exist from now on (at 0 until they count). */
    public void received(String camera) {
        count("haste_frames_received", "camera", camera);
        for (String born : List.of("haste_frames_processed", "haste_frames_dropped", "haste_frames_shed")) {
            counter(born, "camera", camera);
        }
    }

    /** A prediction for {@code camera} was published. */
    public void processed(String camera, double totalMs, double inferenceMs) {
        count("haste_frames_processed", "camera", camera);
        latency.record(Duration.ofNanos((long) (totalMs * 1e6)));
        inference.record(Duration.ofNanos((long) (inferenceMs * 1e6)));
    }

    /** A prediction could not be handed to the MQTT connection. */
    public void predictionUnsent() {
        unsent.increment();
    }

    /** A frame of {@code camera} was dropped by back-pressure. */
    public void dropped(String camera) {
        count("haste_frames_dropped", "camera", camera);
    }

    /** An error event for {@code reason} was published. */
    public void error(ErrorReason reason) {
        count("haste_frame_errors", "reason", reason.wireName());
    }

    /** A prediction of {@code camera} used {@code energy} (and would have used its dense estimate). */
    public void energy(String camera, Prediction.Energy energy) {
        add("haste_energy_millijoules", camera, energy.millijoules());
        add("haste_energy_dense_millijoules", camera, energy.denseMillijoules());
    }

    /** A frame of {@code camera} was shed by the compression controller (one frame in k served). */
    public void shed(String camera) {
        count("haste_frames_shed", "camera", camera);
    }

    /**
     * Removes every per-camera series of {@code camera}: a camera forgotten after its idle time, or,
     * {@code intoOther}, one displaced by a newcomer, whose counts then join the {@value CameraTracker#OTHER} series.
     */
    public void forget(String camera, boolean intoOther) {
        for (String name : PER_CAMERA) {
            Counter c = counters.remove(name + '\0' + camera);
            if (c != null) {
                registry.remove(c);
                if (intoOther) {
                    counter(name, "camera", CameraTracker.OTHER).increment(c.count());
                }
            }
        }
    }

    /** The per-camera counter {@code name} ({@code haste_frames_processed}, ...): camera series → its count. */
    public java.util.Map<String, Double> perCamera(String name) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        String prefix = name + '\0';
        counters.forEach((key, counter) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), counter.count());
            }
        });
        return out;
    }

    /** Total of a counter over all its tag values since start, forgotten cameras included (for /status, the console, the statistics). */
    public double total(String name) {
        DoubleAdder total = totals.get(name);
        return total == null ? 0 : total.sum();
    }

    /** Publishes the meters of {@code plugins} (registered there by the plugin runtime, before or after) in this registry too. */
    public void include(io.micrometer.core.instrument.composite.CompositeMeterRegistry plugins) {
        plugins.add(registry);
    }

    /** Adds the meters of {@code binder} (the engine's stream-reuse figures) to the registry. */
    public void bind(io.micrometer.core.instrument.binder.MeterBinder binder) {
        binder.bindTo(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    private void add(String name, String camera, double amount) {
        increment(name, "camera", camera, amount);
    }

    private void count(String name, String tag, String value) {
        increment(name, tag, value, 1);
    }

    private void increment(String name, String tag, String value, double amount) {
        counter(name, tag, value).increment(amount);
        totals.computeIfAbsent(name, k -> new DoubleAdder()).add(amount);
    }

    /** The counter {@code name} of one tag value, registered on first use. */
    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '\0' + value, k -> Counter.builder(name).tag(tag, value).register(registry));
    }
}
