package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/** The metrics a plugin under test reports: counters summed, gauges read when asked (as a scrape reads them). */
public final class RecordedMetrics implements PluginMetrics {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    RecordedMetrics() {}

    @Override
    public void count(String name, long amount) {
        counters.computeIfAbsent(name, n -> new AtomicLong()).addAndGet(amount);
    }

    @Override
    public void gauge(String name, DoubleSupplier value) {
        if (gauges.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("gauge '" + name + "' is already registered");
        }
    }

    /** Counter {@code name}'s total (0 when never counted). */
    public long counter(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /** Gauge {@code name}'s value now. */
    public double gauge(String name) {
        DoubleSupplier g = gauges.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no gauge '" + name + "'; registered: " + gauges.keySet());
        }
        return g.getAsDouble();
    }
}
