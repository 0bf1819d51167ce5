package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.control.AdaptiveControl;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The load readings and the controller's state as Prometheus meters: board and own CPU use,
 * load average, temperature, throttling, the latency window's percentiles, frame and drop
 * rates, the level's shedding and the number of changes. Read from the values of the last
 * sampling period (NaN where the board offers no reading).
 */
final class ControlMetrics implements MeterBinder {
    private final AdaptiveControl control;

    ControlMetrics(AdaptiveControl control) {
        this.control = control;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "haste_board_cpu_ratio", "whole-board CPU use over the last period, 0..1 of all cores", c -> c.reading().boardCpu());
        gauge(registry, "haste_process_cpu_ratio", "the gateway's own CPU use over the last period, 0..1 of all cores",
                c -> c.reading().processCpu());
        gauge(registry, "haste_load_average", "one-minute load average", c -> c.reading().loadAverage());
        gauge(registry, "haste_cpu_temperature_celsius", "hottest thermal zone", c -> c.reading().temperatureC());
        gauge(registry, "haste_cpu_throttled", "1 when the CPU is throttled, NaN when unknown",
                c -> c.reading().throttled() == null ? Double.NaN : c.reading().throttled() ? 1 : 0);
        gauge(registry, "haste_window_latency_p50_ms", "median frame latency over the window", c -> c.stats().p50Ms());
        gauge(registry, "haste_window_latency_p95_ms", "95th percentile frame latency over the window", c -> c.stats().p95Ms());
        gauge(registry, "haste_window_latency_p99_ms", "99th percentile frame latency over the window", c -> c.stats().p99Ms());
        gauge(registry, "haste_window_inference_p95_ms", "95th percentile inference time over the window", c -> c.stats().inferenceP95Ms());
        gauge(registry, "haste_window_queue_p95_ms", "95th percentile wait for a worker over the window", c -> c.stats().queueP95Ms());
        gauge(registry, "haste_window_frames_per_second", "predictions per second over the window", c -> c.stats().framesPerSecond());
        gauge(registry, "haste_window_drop_ratio", "share of arriving frames dropped by back-pressure over the window", c -> c.stats().dropRate());
        gauge(registry, "haste_shed_every", "1: every frame served; k: one k-th of the cameras' work served, fairly by cost", AdaptiveControl::shedEvery);
        gauge(registry, "haste_compression_level", "HASTE level in use (0 = dense)", AdaptiveControl::getAsInt);
        FunctionCounter.builder("haste_control_changes", control, AdaptiveControl::changes)
                .description("changes of level or shedding since start").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<AdaptiveControl> f) {
        Gauge.builder(name, control, f).description(description).strongReference(true).register(registry);
    }
}
