package io.hastegw.plugins.webhook;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs every prediction message ({@code haste.prediction/3}, content type application/json) to
 * {@code url}. A failed attempt (connection refused, time-out, a status other than 2xx) is
 * retried after {@code backoff_ms}, doubling, while the attempts fit in the stage's time budget
 * ({@code plugins.stage_timeout_ms}); a prediction whose attempts all failed is counted
 * ({@code haste_plugin_webhook_failed_total}) and given up (an endpoint that is down is not a
 * fault of the plugin: it is not disabled, its health says what failed). The gateway's queue in
 * front of the sink bounds what waits while the endpoint is slow or down.
 */
public final class WebhookSinkPlugin implements Plugin, PredictionSink {
    private PluginContext context;
    private URI url;
    private Map<String, String> headers;
    private long timeoutMs;
    private long backoffMs;
    private int retries;
    private HttpClient client;
    private volatile String lastFailure;

    @Override
    @SuppressWarnings("unchecked")
    public void init(PluginContext context, Extensions extensions) {
        this.context = context;
        Map<String, Object> c = context.config();
        url = URI.create((String) c.get("url"));
        headers = (Map<String, String>) c.getOrDefault("headers", Map.of());
        timeoutMs = ((Number) c.getOrDefault("timeout_ms", 1000)).longValue();
        backoffMs = ((Number) c.getOrDefault("backoff_ms", 100)).longValue();
        retries = ((Number) c.getOrDefault("retries", 2)).intValue();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(timeoutMs)).build();
        extensions.predictionSink("webhook", this);
    }

    @Override
    public void publish(Prediction prediction) throws InterruptedException {
        publish(prediction, context.predictionJson(prediction));
    }

    /** Posts {@code body}, the prediction message the gateway encoded, with retries within the stage's budget. */
    @Override
    public void publish(Prediction prediction, byte[] body) throws InterruptedException {
        long deadline = System.nanoTime() + context.limits().stageTimeoutMs() * 900_000L;
        long wait = backoffMs;
        String failure = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(Math.min(timeoutMs, left)))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            try {
                int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    lastFailure = null;
                    return;
                }
                failure = "HTTP " + status;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < retries && (deadline - System.nanoTime()) / 1_000_000 > wait) {
                Thread.sleep(wait);
                wait *= 2;
            }
        }
        lastFailure = failure == null ? "no attempt fitted in plugins.stage_timeout_ms" : failure;
        context.metrics().count("webhook_failed", 1);
        context.logger().log(System.Logger.Level.WARNING, "prediction of camera " + prediction.cameraId() + " not delivered to " + url + ": "
                + lastFailure);
    }

    @Override
    public Health health() {
        String f = lastFailure;
        return f == null ? Health.up() : Health.down("last delivery to " + url + " failed: " + f);
    }
}
