package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.detection.DetectionStage;
import io.hastegw.daemon.energy.EnergyEstimator;
import io.hastegw.daemon.plugin.PluginFailure;
import io.hastegw.op.detection.InvalidOutputException;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameHeaders;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.InferenceEngine;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.InputTensor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.RejectReason;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.List;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * One frame through the stages in two parts. On an inference worker ({@link #infer}): detect the
 * format, decode, preprocess, run the model. In the camera's post-processing lane ({@link #finish}):
 * for a detector decode its boxes into frame pixels ({@link DetectionStage}), post-process (a chain:
 * labels, or a detector's detections), for a detector the camera's zones, estimate the energy.
 * Decoders and post-processors are
 * plugins' stages, called through their guards: a plugin that throws or overruns its time budget
 * fails the frame with {@code plugin_failed}. Every failure becomes a rejection with a reason; nothing escapes.
 */
public final class FrameProcessor {
    private final Supplier<List<FrameDecoder>> decoders;
    private final ImagePreprocessor preprocessor;
    private final InferenceEngine engine;
    private final Supplier<List<PostProcessor>> postProcessors;
    private final IntSupplier level;
    private final Optional<EnergyEstimator> energy;
    private final Optional<DetectionStage> detection;

    /**
     * @param decoders      tried in order; the first that supports the format decodes it (asked per frame: plugins change while it runs)
     * @param preprocessor  image to input tensor
     * @param engine        the model
     * @param postProcessors scores to labels, in a chain (each refines the previous one's labels); asked per frame
     * @param level         the compression level to use for the next frame
     * @param energy        estimates each prediction's energy (empty: no device profile)
     * @param detection     a detector's decoding and zones (empty: a classifier)
     */
    public FrameProcessor(Supplier<List<FrameDecoder>> decoders, ImagePreprocessor preprocessor, InferenceEngine engine,
                          Supplier<List<PostProcessor>> postProcessors, IntSupplier level, Optional<EnergyEstimator> energy,
                          Optional<DetectionStage> detection) {
        this.decoders = decoders;
        this.preprocessor = preprocessor;
        this.engine = engine;
        this.postProcessors = postProcessors;
        this.level = level;
        this.energy = energy;
        this.detection = detection;
    }

    /**
     * The worker's part of {@code frame}, whose format was sniffed when it was admitted: decode,
     * preprocess, run the model. {@code wallMillis} is its arrival time for the prediction's
     * timestamp. The outcome is a rejection, or an {@link Inference} for {@link #finish}; either
     * carries the worker time taken.
     */
    Outcome infer(Frame frame, Optional<String> format, long wallMillis) {
        long start = System.nanoTime();
        return stages(frame, format, wallMillis, start).costing(System.nanoTime() - start);
    }

    /**
     * The rest of a frame the model has run on: a detector's boxes, the post-processing chain,
     * the energy estimate. Runs in the camera's post-processing lane, off the inference workers:
     * a slow post-processor holds only its camera's frames.
     */
    Outcome finish(Inference in) {
        Frame frame = in.frame();
        InferenceResult result = in.result();
        List<ScoredLabel> top = List.of();
        Detections detections = null;
        try {
            if (detection.isPresent()) {
                detections = detect(detection.get(), in);
            } else {
                for (PostProcessor post : postProcessors.get()) {
                    top = post.process(result.scores(), top, frame);
                }
            }
        } catch (InvalidOutputException e) {
            return Outcome.rejected(RejectReason.INFERENCE_FAILED, e.getMessage());
        } catch (PluginFailure e) {
            return Outcome.rejected(RejectReason.PLUGIN_FAILED, e.getMessage());
        } catch (RuntimeException e) {
            return Outcome.rejected(RejectReason.PLUGIN_FAILED, "post-processing failed: " + e);
        }
        Prediction.Latency upTo = in.latency();
        Prediction.Latency latency = new Prediction.Latency(upTo.queueMs(), upTo.decodeMs(), upTo.inferenceMs(),
                ms(System.nanoTime() - frame.receivedNanos()));
        return Outcome.of(new Prediction(frame.cameraId(), frame.frameId(), in.wallMillis(), frame.correlationData(), frame.userProperties(),
                top, engine.modelName(), result, latency, energy.map(e -> e.estimate(result, latency.inferenceMs())).orElse(null), detections));
    }

    /** The model the frames run on. */
    public InferenceEngine engine() {
        return engine;
    }

    /** A detector's decoding and zones; empty for a classifier. */
    public Optional<DetectionStage> detection() {
        return detection;
    }

    /**
     * {@code frame} decoded as the stages decode it (format, then the first decoder that supports
     * it): to draw a kept frame again, long after its admission. Call it off the event loop.
     */
    public Image decode(Frame frame) throws FrameRejectedException {
        Optional<String> format = format(frame);
        FrameDecoder decoder = format.flatMap(this::decoderFor).orElseThrow(() -> new FrameRejectedException(RejectReason.UNKNOWN_FORMAT,
                "no running decoder for this frame's format"));
        return decoder.decode(frame.payload(), format.get());
    }

    private static Optional<String> format(Frame frame) {
        return FrameFormats.detect(frame.contentType(), frame.payload()).or(() -> FrameFormats.declared(frame.contentType()));
    }

    private Optional<FrameDecoder> decoderFor(String format) {
        return decoders.get().stream().filter(d -> d.supports(format)).findFirst();
    }

    private Outcome stages(Frame frame, Optional<String> format, long wallMillis, long start) {
        Optional<FrameDecoder> decoder = format.flatMap(this::decoderFor);
        if (decoder.isEmpty()) {
            return Outcome.rejected(RejectReason.UNKNOWN_FORMAT, format.isPresent() && FrameFormats.BUILT_IN.contains(format.get())
                    ? "no running decoder for " + format.get() + " (the image-decoders plugin is not running: haste-gateway --list-plugins)"
                    : frame.contentType() == null ? "payload is neither JPEG, PNG nor a raw HRAW frame"
                    : "content type '" + frame.contentType() + "' is not supported (image/jpeg, image/png, " + FrameFormats.RAW_CONTENT_TYPE
                      + ", or a plugin decoder's format)");
        }
        InputTensor input;
        Image image;
        try {
            image = decoder.get().decode(frame.payload(), format.get());
            input = preprocessor.apply(image);
        } catch (FrameRejectedException e) {
            return Outcome.rejected(e.reason(), e.getMessage());
        } catch (PluginFailure e) {
            return Outcome.rejected(RejectReason.PLUGIN_FAILED, e.getMessage());
        } catch (RuntimeException e) {
            return Outcome.rejected(RejectReason.PLUGIN_FAILED, "decoding stage failed: " + e);
        }
        long decoded = System.nanoTime();
        InferenceResult result;
        try {
            result = engine.run(input, level.getAsInt(), frame.cameraId());
        } catch (Exception e) {
            return Outcome.rejected(RejectReason.INFERENCE_FAILED, "inference failed: " + e.getMessage());
        }
        long inferred = System.nanoTime();
        return Outcome.inferred(new Inference(frame, format.get(), wallMillis, image.width(), image.height(), result,
                new Prediction.Latency(ms(start - frame.receivedNanos()), ms(decoded - start), ms(inferred - decoded), ms(inferred - frame.receivedNanos()))));
    }

    /**
     * A detector's boxes in the frame's own pixels (its header's size; the decoded image's when it
     * has none or a smaller one), refined by the post-processors, with the camera's zones.
     */
    private Detections detect(DetectionStage stage, Inference in) throws InvalidOutputException {
        int[] size = FrameHeaders.size(in.frame().payload(), in.format());
        if (size[0] < in.width() || size[1] < in.height()) {
            size = new int[] {in.width(), in.height()};
        }
        List<Detection> found = stage.decode(in.result().scores(), in.width(), in.height(), size[0], size[1]);
        for (PostProcessor post : postProcessors.get()) {
            found = post.detections(found, in.frame());
        }
        return stage.zones().assign(in.frame().cameraId(), found, size[0], size[1]);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
