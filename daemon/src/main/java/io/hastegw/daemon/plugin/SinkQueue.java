package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plugin sink behind a bounded queue and a thread of its own: {@link #deliver} (called on the
 * event loop) only offers the prediction; when the queue is full (the sink is slow, or its
 * endpoint is down and it retries) the prediction is dropped and counted
 * ({@code haste_plugin_sink_dropped_total}), so a sink never slows the MQTT path or another sink.
 * Each delivery runs through the plugin's guard (time budget, failure count).
 */
final class SinkQueue implements DeliverySink {
    /** A prediction and its message, waiting for the sink. */
    private record Delivery(Prediction prediction, byte[] message) {}

    private static final Logger LOG = LoggerFactory.getLogger(SinkQueue.class);

    private final String plugin;
    private final String name;
    private final PredictionSink sink;
    private final PluginGuard guard;
    private final BlockingQueue<Delivery> queue;
    private final Counter dropped;
    private final Counter delivered;
    private final Thread thread;
    private volatile boolean closing;

    SinkQueue(String plugin, String name, PredictionSink sink, PluginGuard guard, int capacity, MeterRegistry registry) {
        this.plugin = plugin;
        this.name = name;
        this.sink = sink;
        this.guard = guard;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = Counter.builder("haste_plugin_sink_dropped").description("predictions a sink's full queue dropped")
                .tag("plugin", plugin).tag("sink", name).register(registry);
        this.delivered = Counter.builder("haste_plugin_sink_delivered").description("predictions a sink took")
                .tag("plugin", plugin).tag("sink", name).register(registry);
        this.thread = new Thread(this::run, "sink-" + plugin + "-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void deliver(Prediction prediction, byte[] message) {
        if (guard.disabled() == null && !closing && !queue.offer(new Delivery(prediction, message))) {
            dropped.increment();
        }
    }

    private void run() {
        while (!closing || !queue.isEmpty()) {
            Delivery p;
            try {
                p = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (p == null || guard.disabled() != null) {
                continue;
            }
            try {
                guard.call("sink '" + name + "'", () -> {
                    sink.publish(p.prediction(), p.message());
                    return null;
                });
                delivered.increment();
            } catch (PluginFailure | FrameRejectedException e) {
                LOG.warn("plugin {}: {}", plugin, e.getMessage());
            }
        }
    }

    /** Delivers what is queued within {@code graceMs}, then stops the thread; what is left is dropped and counted. */
    void close(long graceMs) {
        closing = true;
        try {
            thread.join(graceMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
        dropped.increment(queue.size());
        queue.clear();
    }
}
