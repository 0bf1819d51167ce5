package io.hastegw.op.runtime;

import ai.onnxruntime.OnnxTensor;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import onnx.Onnx.ModelProto;

/**
 * Runs a HASTE model (made by {@code haste-op transform}) at a chosen compression level and
 * accounts for the MACs each inference executed.
 *
 * <p>It does not run the file's multi-level graph. For every level it builds the model of that
 * level ({@link HasteTransformer#forLevel}): the layers that run dense at the level are the
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
            this.original = HasteTransformer.original(model);
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
            session(0);
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
        OrtSession session = session(level);
        // Fetching the channel counts costs about as much as a small layer (measured: 35 us on
        // ResNet-20); on a dense level they are known.
        Set<String> fetch = denseLevel[level] ? denseFetch : hasteFetch;
        try (OnnxTensor x = input.toOnnx(env);
             OrtSession.Result result = session.run(Map.of(info.inputName(), x), fetch)) {
            FloatTensor scores = FloatTensor.of((OnnxTensor) result.get(outputName).orElseThrow());
            long[] channels = denseLevel[level] ? inChannels.clone()
                    : (long[]) result.get(HasteModelInfo.CHANNELS_OUTPUT).orElseThrow().getValue();
            return new Inference(scores, channels, account(level, channels));
        }
    }

    /** The MACs account of an inference at {@code level} that convolved {@code reducedChannels} (as {@link #run} accounts). */
    public MacsAccount account(int level, long[] reducedChannels) {
        info.schedule().checkLevel(level);
        return accountant.account(plan[level], reducedChannels, kernel);
    }

    private OrtSession session(int level) throws OrtException {
        String key = planKeys[level];
        OrtSession s = sessions.get(key);
        if (s != null) {
            return s;
        }
        synchronized (sessions) {
            s = sessions.get(key);
            if (s == null) {
                s = env.createSession(HasteTransformer.forLevel(original, info, plan[level], kernel, options.nchwcBlock(), options.threads()).toByteArray(),
                        sessionOptions);
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
}
