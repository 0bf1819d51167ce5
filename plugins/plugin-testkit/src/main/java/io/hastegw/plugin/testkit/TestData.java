package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.LoadSignals;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.List;
import java.util.Map;

/** Values to feed a plugin's stages with: frames, predictions, load signals, and the kit's default model and limits. */
public final class TestData {
    /** A CIFAR-10-like classifier: 3x32x32 input, ten labels, logits out. */
    public static final ModelInfo MODEL = new ModelInfo("test-model", 3, 32, 32,
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"), false);
    /** The gateway's default limits: 8 MiB payloads, 40 megapixels, 256 MiB for decoding, a 2 s stage budget. */
    public static final PipelineLimits LIMITS = new PipelineLimits(8L << 20, 40_000_000L, 256L << 20, 2000);

    private TestData() {}

    /** A frame of {@code camera} with an empty JPEG payload (for stages that read only its ids). */
    public static Frame frame(String camera, String frameId) {
        return frame(camera, frameId, new byte[0], "image/jpeg");
    }

    /** A frame of {@code camera} carrying {@code payload} of {@code contentType}, received now. */
    public static Frame frame(String camera, String frameId, byte[] payload, String contentType) {
        return new Frame(camera, frameId, payload, contentType, Map.of(), null, System.nanoTime());
    }

    /** A prediction of {@code frame}: {@code scores} at level 0 of {@link #MODEL}, its {@code top} labels, no timings or energy. */
    public static Prediction prediction(Frame frame, float[] scores, List<ScoredLabel> top) {
        return new Prediction(frame.cameraId(), frame.frameId(), System.currentTimeMillis(), frame.correlationData(), frame.userProperties(), top,
                MODEL.name(), new InferenceResult(scores, 0, 0, 0), new Prediction.Latency(0, 0, 0, 0), null);
    }

    /**
     * A control period's signals: {@code frames} frames with a p95 of {@code p95Ms}, the board's CPU at {@code boardCpu}
     * (0..1), at {@code level}, every frame served.
     */
    public static LoadSignals signals(int frames, double p95Ms, double boardCpu, int level) {
        return new LoadSignals(frames, p95Ms, p95Ms, 0, frames / 10.0, 0, 0, boardCpu, boardCpu, Double.NaN, level, 1, Double.NaN);
    }
}
