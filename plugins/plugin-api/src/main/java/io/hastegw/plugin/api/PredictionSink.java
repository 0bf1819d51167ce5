package io.hastegw.plugin.api;

/** Stage 5: delivers predictions (MQTT by default). Must not block: it is called on the event loop. */
public interface PredictionSink {
    /** Sends {@code prediction}. */
    void publish(Prediction prediction);
}
