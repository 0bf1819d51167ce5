package io.hastegw.plugin.api;

/** Stage 3: runs the model. Implementations must allow concurrent {@link #run} calls. */
public interface InferenceEngine extends AutoCloseable {
    /** The model's name (from its card), reported in predictions. */
    String modelName();

    /** Number of compression levels (1 for a dense-only model: level 0). */
    int levels();

    /**
     * What the engine wants operators to see in the gateway's status about how it runs {@code
     * level} (kernel, per-layer plan, ...): JSON-friendly values (strings, numbers, lists, maps).
     * Optional: the default says nothing.
     */
    default java.util.Map<String, Object> details(int level) {
        return java.util.Map.of();
    }

    /**
     * The measured time of each level on this device, milliseconds per frame, index = level (HASTE's
     * cost plan); empty when the engine did not measure them. The compression controller climbs only
     * to levels measured faster, and derives its default latency target from level 0's time.
     */
    default double[] measuredLevelMillis() {
        return new double[0];
    }

    /** Runs one input at {@code level} (0 .. levels()-1). */
    InferenceResult run(InputTensor input, int level) throws Exception;

    /**
     * Runs one frame of camera {@code cameraId} at {@code level}. An engine may keep state from a
     * camera's earlier frames to run its next ones cheaper (HASTE's stream reuse); it must then
     * allow concurrent calls for the same camera. The default runs the input on its own.
     */
    default InferenceResult run(InputTensor input, int level, String cameraId) throws Exception {
        return run(input, level);
    }

    /** The gateway forgot {@code cameraId} (silent for its idle time): drop what was kept for it. The default keeps nothing. */
    default void forget(String cameraId) {}
}
