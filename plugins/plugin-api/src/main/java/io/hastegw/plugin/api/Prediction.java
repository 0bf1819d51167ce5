package io.hastegw.plugin.api;

import java.util.List;
import java.util.Map;

/**
 * What the gateway concluded about one frame; published as the prediction message (schema in
 * docs/mqtt-api.md).
 *
 * @param cameraId        the camera
 * @param frameId         the sender's frame id, or null
 * @param timestampMillis wall-clock time the frame arrived (epoch ms)
 * @param correlationData the frame's MQTT 5 correlation data, or null
 * @param userProperties  the frame's MQTT 5 user properties
 * @param top             best classes, best first (a detector's prediction: empty)
 * @param model           model name
 * @param result          level and MACs of the inference
 * @param latency         where the time went
 * @param energy          what the inference cost in energy, and what the same frame would have cost dense
 * @param detections      a detector's boxes and zone counts; null for a classifier (since API 2.1)
 */
public record Prediction(String cameraId, String frameId, long timestampMillis, byte[] correlationData,
                         Map<String, String> userProperties, List<ScoredLabel> top, String model,
                         InferenceResult result, Latency latency, Energy energy, Detections detections) {

    /** A classifier's prediction (no detections): the constructor of API 2.0, kept for plugins built against it. */
    public Prediction(String cameraId, String frameId, long timestampMillis, byte[] correlationData, Map<String, String> userProperties,
                      List<ScoredLabel> top, String model, InferenceResult result, Latency latency, Energy energy) {
        this(cameraId, frameId, timestampMillis, correlationData, userProperties, top, model, result, latency, energy, null);
    }

    /**
     * Energy of one inference, from the gateway's {@link EnergyModel}.
     *
     * @param millijoules      this inference
     * @param denseMillijoules the same frame at level 0 (dense), estimated with the same model
     * @param method           how it was estimated (the model and its device profile)
     */
    public record Energy(double millijoules, double denseMillijoules, String method) {}

    /**
     * Latency breakdown in milliseconds.
     *
     * @param queueMs     waiting for a worker
     * @param decodeMs    decoding and preprocessing
     * @param inferenceMs the model run
     * @param totalMs     arrival to publication
     */
    public record Latency(double queueMs, double decodeMs, double inferenceMs, double totalMs) {}
}
