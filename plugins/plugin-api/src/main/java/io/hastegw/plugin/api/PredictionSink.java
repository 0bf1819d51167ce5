package io.hastegw.plugin.api;

/**
 * Stage 5: delivers predictions (to MQTT, a webhook, a file). Each sink has a bounded queue and a
 * thread of its own: {@link #publish} may block (a slow endpoint), but while it does, the sink's
 * queue fills and its further predictions are dropped and counted; it never slows another sink.
 */
public interface PredictionSink {
    /** Sends {@code prediction}; throwing counts as a failure of the plugin. */
    void publish(Prediction prediction) throws Exception;

    /**
     * Whether {@link #publish} may block. A built-in sink that never blocks (it hands the message
     * to a client that queues it, as the MQTT sink does) returns false and is called on the
     * event loop, without a queue and thread of its own; an operator's plugin's sink always gets
     * its queue, whatever it returns.
     */
    default boolean blocking() {
        return true;
    }
}
