package io.hastegw.op.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;

/** Runs in-memory ONNX models with ONNX Runtime, for analysis, tests and evaluation. */
public final class OrtModels {
    private OrtModels() {}

    /**
     * Session options for measurements and reproducible runs: {@code threads} intra-op threads,
     * all graph optimisations, and no spinning worker threads (spinning burns CPU after each run).
     */
    public static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    /** A session on {@code model} with {@link #options(int) options(1)}; the caller closes it. */
    public static OrtSession session(OrtEnvironment env, ModelProto model) throws OrtException {
        try (OrtSession.SessionOptions options = options(1)) {
            return env.createSession(model.toByteArray(), options);
        }
    }

    /**
     * Runs {@code model} once and returns the named float outputs (graph outputs or any
     * intermediate float tensors, which are exposed as extra outputs for this run).
     */
    public static Map<String, FloatTensor> run(OrtEnvironment env, ModelProto model, Map<String, OnnxTensor> feeds,
                                               List<String> outputs) throws OrtException {
        ModelProto exposed = OnnxModels.withExtraOutputs(model, outputs);
        try (OrtSession session = session(env, exposed);
             OrtSession.Result result = session.run(feeds, new java.util.LinkedHashSet<>(outputs))) {
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                out.put(e.getKey(), FloatTensor.of((OnnxTensor) e.getValue()));
            }
            return out;
        }
    }

    /** A float tensor of zeros with {@code shape}; the caller closes it. */
    public static OnnxTensor zeros(OrtEnvironment env, long[] shape) throws OrtException {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new FloatTensor(new float[Math.toIntExact(n)], shape).toOnnx(env);
    }

    /** The names of the graph inputs of {@code model} that are not initializers (the real inputs). */
    public static List<String> realInputs(ModelProto model) {
        List<String> names = new ArrayList<>();
        model.getGraph().getInputList().forEach(v -> {
            if (!OnnxModels.isInitializer(model.getGraph(), v.getName())) {
                names.add(v.getName());
            }
        });
        return names;
    }
}
