package com.example.haste.snapshot;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An example third-party plugin: a frame source polling cameras' HTTP snapshot URLs. Every
 * {@code interval_ms} it GETs each camera's URL and hands the body to the gateway as a frame of
 * that camera (content type from the response). A camera whose request fails is skipped for
 * that round, counted ({@code haste_plugin_snapshot_failed_total}) and named in the plugin's
 * health; the others go on.
 */
public final class SnapshotSourcePlugin implements Plugin, FrameSource {
    private PluginContext context;
    private Map<String, URI> cameras;
    private long intervalMs;
    private long timeoutMs;
    private HttpClient client;
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    @Override
    @SuppressWarnings("unchecked")
    public void init(PluginContext context, Extensions extensions) {
        this.context = context;
        Map<String, Object> c = context.config();
        cameras = new java.util.TreeMap<>();
        ((Map<String, String>) c.get("cameras")).forEach((camera, url) -> cameras.put(camera, URI.create(url)));
        intervalMs = ((Number) c.getOrDefault("interval_ms", 1000)).longValue();
        timeoutMs = ((Number) c.getOrDefault("timeout_ms", 2000)).longValue();
        extensions.frameSource("snapshots", this);
    }

    @Override
    public void start() {
        client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
    }

    @Override
    public synchronized void start(FrameInput input) {
        cameras.forEach((camera, url) -> tasks.add(context.scheduler().scheduleWithFixedDelay(() -> poll(input, camera, url), 0, intervalMs,
                TimeUnit.MILLISECONDS)));
    }

    private void poll(FrameInput input, String camera, URI url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(timeoutMs)).GET().build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            if (response.body().length > context.limits().maxPayloadBytes()) {
                throw new IOException("snapshot of " + response.body().length + " bytes is over pipeline.max_payload_bytes");
            }
            String type = response.headers().firstValue("Content-Type").orElse(null);
            input.submit(new Frame(camera, null, response.body(), type, Map.of("source", "http-snapshot"), null, System.nanoTime()));
            failing.remove(camera);
        } catch (IOException e) {
            fail(camera, url, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String camera, URI url, String why) {
        context.metrics().count("snapshot_failed", 1);
        if (failing.put(camera, why) == null) {
            context.logger().log(System.Logger.Level.WARNING, "camera " + camera + ": snapshot from " + url + " failed: " + why);
        }
    }

    @Override
    public synchronized void stop() {
        tasks.forEach(t -> t.cancel(true));
        tasks.clear();
    }

    @Override
    public Health health() {
        return failing.isEmpty() ? Health.up() : Health.down("snapshots failing: " + failing);
    }
}
