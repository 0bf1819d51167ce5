package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.InputTensor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's view of plugin stages: each call goes through the plugin's {@link PluginGuard};
 * a failure surfaces as {@link PluginFailure}; a disabled plugin's stages are skipped (a
 * decoder no longer supports anything, a post-processor passes the labels on unchanged).
 */
final class GuardedStages {
    private GuardedStages() {}

    /**
     * {@code work} through {@code guard}, for a stage that has no rejection to give (a
     * post-processor, an energy model, a sink): a failure, and a {@link FrameRejectedException}
     * thrown anyway, surface as {@link PluginFailure}.
     */
    private static <T> T unrejected(PluginGuard guard, String what, java.util.concurrent.Callable<T> work) {
        try {
            return guard.call(what, work);
        } catch (FrameRejectedException e) {
            throw new PluginFailure(PluginFailure.Reason.BROKE_CONTRACT, what + " threw a frame rejection, which it may not: " + e.getMessage(), e);
        }
    }

    /** A plugin's decoder; which formats it supports is asked once per format. */
    static final class Decoder implements FrameDecoder {
        private final String name;
        private final FrameDecoder decoder;
        private final PluginGuard guard;
        private final Map<String, Boolean> supported = new ConcurrentHashMap<>();

        Decoder(String name, FrameDecoder decoder, PluginGuard guard) {
            this.name = name;
            this.decoder = decoder;
            this.guard = guard;
        }

        @Override
        public boolean supports(String format) {
            return guard.disabled() == null && supported.computeIfAbsent(format, f -> {
                try {
                    return guard.call("decoder '" + name + "' (supports " + f + ")", () -> decoder.supports(f));
                } catch (PluginFailure | FrameRejectedException e) {
                    return false;
                }
            });
        }

        @Override
        public Image decode(byte[] payload, String format) throws FrameRejectedException {
            return guard.call("decoder '" + name + "'", () -> decoder.decode(payload, format));
        }
    }

    /** A plugin's post-processor: labels (a classifier's) or detections (a detector's) in, refined ones out. */
    record Post(String name, PostProcessor post, PluginGuard guard) implements PostProcessor {
        @Override
        public List<ScoredLabel> process(float[] scores, List<ScoredLabel> labels, Frame frame) {
            return link(labels, "", () -> post.process(scores, labels, frame));
        }

        @Override
        public List<Detection> detections(List<Detection> detections, Frame frame) {
            return link(detections, " (detections)", () -> post.detections(detections, frame));
        }

        /** One link of the chain through the guard: {@code in} passed on when disabled, a null answer a failure. */
        private <T> List<T> link(List<T> in, String what, java.util.concurrent.Callable<List<T>> work) {
            if (guard.disabled() != null) {
                return in;
            }
            List<T> out = unrejected(guard, "post-processor '" + name + "'" + what, work);
            if (out == null) {
                throw new PluginFailure(PluginFailure.Reason.BROKE_CONTRACT, "post-processor '" + name + "'" + what + " returned null", null);
            }
            return List.copyOf(out);
        }
    }

    /** A plugin's preprocessor. */
    record Pre(String name, ImagePreprocessor pre, PluginGuard guard) implements ImagePreprocessor {
        @Override
        public InputTensor apply(Image image) throws FrameRejectedException {
            return guard.call("preprocessor '" + name + "'", () -> pre.apply(image));
        }
    }

    /** A plugin's energy model; a failure fails the frame's estimate (and so the frame), as any stage's. */
    record Energy(String name, EnergyModel model, PluginGuard guard) implements EnergyModel {
        @Override
        public String method() {
            return model.method();
        }

        @Override
        public double millijoules(long macs, double activeMillis, int threads) {
            return unrejected(guard, "energy model '" + name + "'", () -> model.millijoules(macs, activeMillis, threads));
        }
    }

    /** A built-in sink that never blocks, called on the event loop without a queue; a failure throws. */
    record InlineSink(String name, PredictionSink sink, PluginGuard guard) implements DeliverySink {
        @Override
        public void deliver(Prediction prediction, byte[] message) {
            if (guard.disabled() != null) {
                return;
            }
            unrejected(guard, "sink '" + name + "'", () -> {
                sink.publish(prediction, message);
                return null;
            });
        }
    }
}
