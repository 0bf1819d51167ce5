package io.hastegw.plugin.api;

/** Stage 3: runs the model. Implementations must allow concurrent {@link #run} calls. */
public interface InferenceEngine extends AutoCloseable {
    /** The model's name (from its card), reported in predictions. */
    String modelName();

    /** Number of compression levels (1 for a dense-only model: level 0). */
    int levels();

    /** Runs one input at {@code level} (0 .. levels()-1). */
    InferenceResult run(InputTensor input, int level) throws Exception;
}
