package io.hastegw.plugin.api;

/**
 * Stage 5: delivers predictions somewhere besides the gateway's MQTT topic (a webhook, a file).
 * Each sink has a bounded queue and a thread of its own: {@link #publish} may block (a slow
 * endpoint), but while it does, the sink's queue fills and its further predictions are dropped
 * and counted; it never slows the MQTT path or another sink.
 */
public interface PredictionSink {
    /** Sends {@code prediction}; throwing counts as a failure of the plugin. */
    void publish(Prediction prediction) throws Exception;
}
