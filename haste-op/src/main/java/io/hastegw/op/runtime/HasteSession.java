package io.hastegw.op.runtime;

import io.hastegw.op.transform.DenseBypass;
import io.hastegw.op.transform.LevelModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModelException;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.StreamStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import onnx.Onnx.ModelProto;

/**
 * Runs a HASTE model (made by {@code haste-op transform}) at a chosen compression level and
 * accounts for the MACs each inference executed.
 *
 * <p>It does not run the file's multi-level graph. For every level it builds the model of that
 * level ({@link io.hastegw.op.transform.LevelModel}): the layers that run dense at the level are the
 * original convolutions, the others HASTE with the level's L fixed, and no {@code If} anywhere, so
 * a level costs what its layers cost and a level whose layers are all dense is the original model.
 * Sessions are built on first use of a level and kept (levels with the same layer plan share
 * one); each holds its own weights. HASTE layers use the native kernel when it loads, otherwise
 * the portable graph, which {@link #kernel()} reports.
 */
public final class HasteSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final HasteModelInfo info;
    private final ModelProto original;
    private final String outputName;
    private final RuntimeOptions options;
    private final HasteKernel kernel;
    private final int[][] plan;
    /** Per level, the key of its layer plan: levels with the same plan share a session. */
    private final String[] planKeys;
    /** Per level, whether every layer runs dense (then the channel counts are the input channels, not fetched). */
    private final boolean[] denseLevel;
    private final long[] inChannels;
    /** What a run fetches: the scores alone on a dense level, else the channel counts too. */
    private final Set<String> denseFetch;
    private final Set<String> hasteFetch;
    private final MacsAccount.Accountant accountant;
    private final Map<String, OrtSession> sessions = new ConcurrentHashMap<>();
    /** Per refresh session's key: the names of the state tensors it outputs (and the reuse session takes). */
    private final Map<String, Set<String>> stateNames = new ConcurrentHashMap<>();
    /** Kept open while sessions live: closing them unloads the native kernel library the sessions call. */
    private final OrtSession.SessionOptions sessionOptions;

    /**
     * Opens {@code file}, which must be a HASTE model.
     *
     * @param outputName the scores output (from the model card)
     */
    public HasteSession(OrtEnvironment env, Path file, String outputName, RuntimeOptions options)
            throws OnnxModelException, OrtException {
        this(env, OnnxModels.read(file), file, outputName, options);
    }

    private HasteSession(OrtEnvironment env, ModelProto model, Path file, String outputName, RuntimeOptions options)
            throws OnnxModelException, OrtException {
        this.info = HasteModelInfo.of(model).orElseThrow(() -> new OnnxModelException(file,
                "not a HASTE model (no '" + HasteModelInfo.METADATA_KEY + "' metadata); create one with haste-op transform"));
        try {
            this.original = DenseBypass.original(model);
        } catch (IllegalArgumentException e) {
            throw new OnnxModelException(file, e.getMessage());
        }
        this.env = env;
        this.outputName = outputName;
        this.options = options;
        this.kernel = options.kernel().kernel().isPresent() ? HasteKernel.NATIVE : HasteKernel.PORTABLE;
        this.plan = options.plan().map(p -> p.planes(info)).orElseGet(() -> info.schedule().hyperplanes());
        this.planKeys = Arrays.stream(plan).map(Arrays::toString).toArray(String[]::new);
        this.denseLevel = new boolean[plan.length];
        for (int level = 0; level < plan.length; level++) {
            denseLevel[level] = Arrays.stream(plan[level]).allMatch(l -> l == 0);
        }
        this.denseFetch = Set.of(outputName);
        this.hasteFetch = Set.of(outputName, HasteModelInfo.CHANNELS_OUTPUT);
        this.inChannels = info.hasteLayers().stream().mapToLong(h -> info.layer(h.name()).inChannels()).toArray();
        this.accountant = new MacsAccount.Accountant(info, kernel == HasteKernel.NATIVE ? options.nchwcBlock() : 0);
        this.sessionOptions = options.sessionOptions();
        try {
            session(0, StreamStep.FRAME);
        } catch (OrtException | RuntimeException e) {
            sessionOptions.close();
            throw e;
        }
    }

    /** The model's HASTE metadata. */
    public HasteModelInfo info() {
        return info;
    }

    /** The original (dense) model inside the HASTE model. */
    public ModelProto original() {
        return original;
    }

    /** The kernel HASTE layers run on. */
    public HasteKernel kernel() {
        return kernel;
    }

    /** L per HASTE layer that {@code level} runs with (0 = dense), after the cost plan if any. */
    public int[] planes(int level) {
        info.schedule().checkLevel(level);
        return plan[level].clone();
    }

    /**
     * Runs {@code input} (batch 1) at {@code level}. The first run of a level builds its session.
     *
     * @throws IllegalArgumentException when the level is outside the model's schedule
     */
    public Inference run(FloatTensor input, int level) throws OrtException {
        info.schedule().checkLevel(level);
        OrtSession session = session(level, StreamStep.FRAME);
        // Fetching the channel counts costs about as much as a small layer (measured: 35 us on
        // ResNet-20); on a dense level they are known.
        Set<String> fetch = denseLevel[level] ? denseFetch : hasteFetch;
        try (OnnxTensor x = input.toOnnx(env);
             OrtSession.Result result = session.run(Map.of(info.inputName(), x), fetch)) {
            return inference(result, level);
        }
    }

    /** The inference a per-frame or refresh run at {@code level} gave: its scores, channel counts and MACs. */
    private Inference inference(OrtSession.Result result, int level) throws OrtException {
        FloatTensor scores = FloatTensor.of((OnnxTensor) result.get(outputName).orElseThrow());
        long[] channels = denseLevel[level] ? inChannels.clone()
                : (long[]) result.get(HasteModelInfo.CHANNELS_OUTPUT).orElseThrow().getValue();
        return new Inference(scores, channels, account(level, channels));
    }

    /**
     * Runs a frame of a camera stream at {@code level}, reusing {@code stream}'s kept buckets and
     * merged filters unless {@code policy} asks for a refresh (then it hashes and merges as {@link
     * #run(FloatTensor, int)} does and keeps the new state). A level whose layers all run dense
     * runs as {@link #run(FloatTensor, int)} and drops the state. The stream's lock is held for the
     * whole frame: frames of one camera run one after the other, other cameras' in parallel.
     *
     * @param nowNanos the frame's arrival time (System.nanoTime scale), for the policy's quiet rule
     */
    public StreamInference run(FloatTensor input, int level, HasteStream stream, ReusePolicy policy, long nowNanos) throws OrtException {
        info.schedule().checkLevel(level);
        synchronized (stream) {
            if (denseLevel[level]) {
                stream.drop(level);
                return new StreamInference(run(input, level), Optional.empty(), false);
            }
            FrameSignature signature = FrameSignature.of(input);
            Optional<RefreshCause> cause = stream.due(this, level, signature, nowNanos, policy);
            if (cause.isEmpty()) {
                long[] channels = stream.channels();
                Map<String, OnnxTensorLike> inputs = new HashMap<>(stream.state());
                try (OnnxTensor x = input.toOnnx(env)) {
                    inputs.put(info.inputName(), x);
                    try (OrtSession.Result result = session(level, StreamStep.REUSE).run(inputs, denseFetch)) {
                        FloatTensor scores = FloatTensor.of((OnnxTensor) result.get(outputName).orElseThrow());
                        stream.reused(nowNanos);
                        return new StreamInference(new Inference(scores, channels, accountant.account(plan[level], channels, kernel, true)),
                                Optional.empty(), true);
                    }
                }
            }
            String key = StreamStep.REFRESH + planKeys[level];
            OrtSession session = session(level, StreamStep.REFRESH);
            Set<String> names = stateNames.get(key);
            Set<String> fetch = new HashSet<>(names);
            fetch.addAll(hasteFetch);
            OrtSession.Result result;
            try (OnnxTensor x = input.toOnnx(env)) {
                result = session.run(Map.of(info.inputName(), x), fetch);
            }
            try {
                Inference inference = inference(result, level);
                stream.keep(this, level, result, names, inference.reducedChannels(), signature, nowNanos);
                return new StreamInference(inference, cause, false);
            } catch (OrtException | RuntimeException e) {
                result.close();
                throw e;
            }
        }
    }

    /** The MACs account of an inference at {@code level} that convolved {@code reducedChannels} (as {@link #run} accounts). */
    public MacsAccount account(int level, long[] reducedChannels) {
        info.schedule().checkLevel(level);
        return accountant.account(plan[level], reducedChannels, kernel);
    }

    private OrtSession session(int level, StreamStep step) throws OrtException {
        String key = step + planKeys[level];
        OrtSession s = sessions.get(key);
        if (s != null) {
            return s;
        }
        synchronized (sessions) {
            s = sessions.get(key);
            if (s == null) {
                ModelProto model = LevelModel.of(original, info, plan[level], new LevelModel.Options(kernel, options.nchwcBlock(), options.threads(), step));
                s = env.createSession(model.toByteArray(), sessionOptions);
                if (step == StreamStep.REFRESH) {
                    Set<String> names = new LinkedHashSet<>();
                    model.getGraph().getOutputList().forEach(o -> names.add(o.getName()));
                    names.removeAll(hasteFetch);
                    stateNames.put(key, Set.copyOf(names));
                }
                sessions.put(key, s);
            }
            return s;
        }
    }

    @Override
    public void close() throws OrtException {
        List<OrtException> failures = new ArrayList<>();
        for (OrtSession s : sessions.values()) {
            try {
                s.close();
            } catch (OrtException e) {
                failures.add(e);
            }
        }
        sessions.clear();
        sessionOptions.close();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /**
     * One inference.
     *
     * @param scores          the model output
     * @param reducedChannels channels each HASTE layer convolved
     * @param macs            the MACs account of this inference
     */
    public record Inference(FloatTensor scores, long[] reducedChannels, MacsAccount macs) {}

    /**
     * One frame of a stream.
     *
     * @param inference the frame's inference (on a reuse frame: the refresh frame's channel counts, and
     *                  MACs without hashing and filter merging)
     * @param refresh   why the frame refreshed the stream's state; empty when it reused it or ran dense
     * @param reused    whether it reused the kept state
     */
    public record StreamInference(Inference inference, Optional<RefreshCause> refresh, boolean reused) {}
}
