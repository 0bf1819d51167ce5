package io.hastegw.plugin.api;

/**
 * Stage 5: delivers predictions (to a webhook, a file, another system). The gateway itself
 * publishes each prediction on MQTT; sinks get it afterwards. Each sink has a bounded queue and a
 * thread of its own: {@link #publish} may block (a slow endpoint), but while it does, the sink's
 * queue fills and its further predictions are dropped and counted; it never slows another sink.
 */
public interface PredictionSink {
    /** Sends {@code prediction}; throwing counts as a failure of the plugin. */
    void publish(Prediction prediction) throws Exception;

    /**
     * Sends {@code prediction}, whose message ({@code haste.prediction/3}, docs/mqtt-api.md) the
     * gateway has already encoded as {@code message}: the bytes it published on MQTT. A sink that
     * forwards the message overrides this instead of encoding it again; by default it calls
     * {@link #publish(Prediction)}. Since API 2.2.
     */
    default void publish(Prediction prediction, byte[] message) throws Exception {
        publish(prediction);
    }

    /**
     * Whether {@link #publish} may block. A built-in sink that never blocks returns false and is
     * called on the event loop, without a queue and thread of its own; an operator's plugin's sink
     * always gets its queue, whatever it returns.
     */
    default boolean blocking() {
        return true;
    }
}
