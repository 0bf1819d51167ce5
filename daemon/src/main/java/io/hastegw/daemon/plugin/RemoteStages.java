package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.InputTensor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;
import io.hastegw.plugin.api.RejectReason;
import io.hastegw.plugin.api.ScoredLabel;
import io.hastegw.pluginhost.Link;
import io.hastegw.pluginhost.Op;
import io.hastegw.pluginhost.Requests;
import io.hastegw.pluginhost.StageKind;
import io.hastegw.pluginhost.ApiWire;
import io.hastegw.pluginhost.Wire;
import java.io.DataInputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * The gateway's side of a process-isolated plugin's stages: each implements the API interface
 * by a request to the plugin's host ({@link PluginProcess}), so the pipeline, the guard and the
 * chains treat them as any stage. The plugin's throw comes back as {@link Threw}, its rejection
 * as the same {@link FrameRejectedException}, a call past its budget as a time-out.
 */
final class RemoteStages {
    private RemoteStages() {}

    /** The plugin's code threw in its host; the message is its exception, as the host saw it. */
    static final class Threw extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Threw(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** A stage {@code key} ({@code decoder:jpeg}) of the host behind {@code process}, called within {@code budgetMs}. */
    record Remote(PluginProcess process, String key, long budgetMs) {
        /** Request {@code op} naming this stage first, then what {@code args} writes (and its tail, when {@link Link.Tailed}). */
        <T> T call(Op op, Link.Body args, Requests.Reader<T> reader) throws FrameRejectedException {
            Link.Body head = out -> {
                Wire.string(out, key);
                args.write(out);
            };
            try {
                return process.call(op, args instanceof Link.Tailed t ? new Link.Tailed(head, t.tail()) : head, reader, budgetMs);
            } catch (Requests.Failed e) {
                if (e.failure() == Op.Failure.REJECTED) {
                    throw new FrameRejectedException(rejectReason(e.detail()), e.getMessage());
                }
                throw new Threw(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginFailure(PluginFailure.Reason.INTERRUPTED, "interrupted while waiting for its host", e);
            }
        }

        /** {@link #call} for a stage that has no rejection to give: one that comes anyway breaks the contract. */
        <T> T unrejected(Op op, Link.Body args, Requests.Reader<T> reader) {
            try {
                return call(op, args, reader);
            } catch (FrameRejectedException e) {
                throw new Threw("a frame rejection, which it may not give here: " + e.getMessage());
            }
        }

        private static RejectReason rejectReason(String name) {
            try {
                return RejectReason.valueOf(name);
            } catch (IllegalArgumentException | NullPointerException e) {
                return RejectReason.MALFORMED_IMAGE;
            }
        }
    }

    /** The proxy of stage {@code name} of {@code kind}, as the registry takes it. */
    static Object of(StageKind kind, Remote remote, String energyMethod, Consumer<FrameInput> sourceStarted) {
        return switch (kind) {
            case DECODER -> new Decoder(remote);
            case PREPROCESSOR -> (ImagePreprocessor) image -> remote.call(Op.PREPROCESS, out -> ApiWire.image(out, image), ApiWire::tensor);
            case POST_PROCESSOR -> new Post(remote);
            case SINK -> new Sink(remote);
            case ENERGY_MODEL -> new Energy(remote, energyMethod);
            case POLICY -> new RemotePolicies(remote);
            case SOURCE -> new Source(remote, sourceStarted);
        };
    }

    private record Decoder(Remote remote) implements FrameDecoder {
        @Override
        public boolean supports(String format) {
            return remote.unrejected(Op.SUPPORTS, out -> Wire.string(out, format), DataInputStream::readBoolean);
        }

        @Override
        public Image decode(byte[] payload, String format) throws FrameRejectedException {
            // The payload goes as the message's tail: written from this array, read into the decoder's (one copy).
            return remote.call(Op.DECODE, new Link.Tailed(out -> Wire.string(out, format), payload), ApiWire::image);
        }
    }

    private record Post(Remote remote) implements PostProcessor {
        @Override
        public List<ScoredLabel> process(float[] scores, List<ScoredLabel> labels, Frame frame) {
            return remote.unrejected(Op.POST_LABELS, out -> {
                Wire.floats(out, scores);
                ApiWire.labels(out, labels);
                ApiWire.frame(out, frame);
            }, ApiWire::labels);
        }

        @Override
        public List<Detection> detections(List<Detection> detections, Frame frame) {
            return remote.unrejected(Op.POST_DETECTIONS, out -> {
                ApiWire.detections(out, detections);
                ApiWire.frame(out, frame);
            }, ApiWire::detections);
        }
    }

    private record Sink(Remote remote) implements PredictionSink {
        @Override
        public void publish(Prediction prediction) {
            publish(prediction, null);
        }

        @Override
        public void publish(Prediction prediction, byte[] message) {
            remote.unrejected(Op.SINK, out -> {
                ApiWire.prediction(out, prediction);
                Wire.bytes(out, message);
            }, in -> null);
        }
    }

    private record Energy(Remote remote, String method) implements EnergyModel {
        @Override
        public double millijoules(long macs, double activeMillis, int threads) {
            return remote.unrejected(Op.ENERGY, out -> {
                out.writeLong(macs);
                out.writeDouble(activeMillis);
                out.writeInt(threads);
            }, DataInputStream::readDouble);
        }
    }

    /** Its frames come back as {@link Op#SUBMIT} requests, into the input it was started with. */
    private record Source(Remote remote, Consumer<FrameInput> started) implements FrameSource {
        @Override
        public void start(FrameInput input) {
            started.accept(input);
            remote.unrejected(Op.SOURCE_START, out -> { }, in -> null);
        }

        @Override
        public void stop() {
            remote.unrejected(Op.SOURCE_STOP, out -> { }, in -> null);
        }
    }
}
