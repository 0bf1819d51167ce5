package io.hastegw.op.cost;

import io.hastegw.op.transform.LevelModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.StreamStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;

/**
 * Measures, on this device, what every HASTE layer costs dense and at every level's L, and
 * decides per level and layer which one runs; then times every level's whole model against the
 * dense model and sends a level that is not faster back to the original model. The result never
 * runs a level meaningfully slower than dense (up to the noise of the measurement).
 *
 * <p>Layers are timed one at a time, on their real input activations for the calibration images
 * (the original model run up to the layer), dense and HASTE interleaved, median of all runs.
 */
public final class CostCalibrator {
    /** Default margin: a layer runs HASTE only when it measured at least 5 % faster than dense. */
    public static final double DEFAULT_MARGIN = 0.05;
    /** A level keeps its HASTE layers only when its whole model measured at least 1 % faster than dense. */
    static final double LEVEL_MARGIN = 0.01;

    private final OrtEnvironment env;
    private final int repeats;
    private final double margin;

    /**
     * @param repeats runs per image and configuration (after one warm-up run)
     * @param margin  fraction a layer must save to run HASTE
     */
    public CostCalibrator(OrtEnvironment env, int repeats, double margin) {
        this.env = env;
        this.repeats = repeats;
        this.margin = margin;
    }

    /**
     * Calibrates {@code session}'s model (identified by {@code modelSha}) on {@code inputs} with
     * the session's kernel and {@code options}.
     */
    public CostTable calibrate(HasteSession session, String modelSha, RuntimeOptions options, List<FloatTensor> inputs)
            throws OrtException {
        return calibrate(session, modelSha, options, inputs, -1);
    }

    /** As {@link #calibrate(HasteSession, String, RuntimeOptions, List)}, recording that the machine's load per core was {@code loadPerCore}. */
    public CostTable calibrate(HasteSession session, String modelSha, RuntimeOptions options, List<FloatTensor> inputs, double loadPerCore)
            throws OrtException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one input");
        }
        HasteModelInfo info = session.info();
        ModelProto original = session.original();
        int levels = info.schedule().levels();
        int n = info.hasteLayers().size();
        Map<String, NodeProto> convs = new LinkedHashMap<>();
        original.getGraph().getNodeList().forEach(node -> convs.put(node.getName(), node));
        List<String> layerInputs = info.hasteLayers().stream().map(l -> convs.get(l.name()).getInput(0)).toList();
        Map<String, List<FloatTensor>> activations = activations(original, info, layerInputs, inputs, options);

        String[] names = info.hasteLayers().stream().map(l -> l.name()).toArray(String[]::new);
        double[] denseMicros = new double[n];
        double[][] hasteMicros = new double[levels][n];
        boolean[][] haste = new boolean[levels][n];
        int[][] schedule = info.schedule().hyperplanes();
        for (int i = 0; i < n; i++) {
            NodeProto conv = convs.get(names[i]);
            long[] shape = info.layer(names[i]).inputShape();
            List<FloatTensor> acts = activations.get(conv.getInput(0));
            Map<Integer, ModelProto> byL = new LinkedHashMap<>();
            byL.put(0, OnnxModels.subgraph(original, conv.getInput(0), shape, conv.getOutput(0)));
            Map<Integer, int[]> hasteByL = new LinkedHashMap<>();
            for (int level = 1; level < levels; level++) {
                int l = schedule[level][i];
                if (l > 0 && !byL.containsKey(l)) {
                    int[] planes = new int[n];
                    planes[i] = l;
                    hasteByL.put(l, planes);
                    byL.put(l, OnnxModels.subgraph(forLevel(session, planes, options, step(options)), conv.getInput(0), shape, conv.getOutput(0)));
                }
            }
            Map<Integer, Double> micros = timeInterleaved(session, byL, hasteByL, conv.getInput(0), shape, acts, options);
            denseMicros[i] = micros.get(0);
            for (int level = 1; level < levels; level++) {
                int l = schedule[level][i];
                hasteMicros[level][i] = l == 0 ? 0 : micros.get(l);
                haste[level][i] = l > 0 && hasteMicros[level][i] < denseMicros[i] * (1 - margin);
            }
        }

        CostTable draft = new CostTable(modelSha, null, margin, names, denseMicros, hasteMicros, haste, 0, new double[levels],
                new boolean[levels], loadPerCore);
        int[][] planes = draft.planes(info);
        Map<Integer, ModelProto> byLevel = new LinkedHashMap<>();
        byLevel.put(-1, forLevel(session, new int[n], options, StreamStep.FRAME));
        Map<Integer, int[]> hasteByLevel = new LinkedHashMap<>();
        for (int level = 0; level < levels; level++) {
            if (Arrays.stream(planes[level]).anyMatch(l -> l > 0)) {
                hasteByLevel.put(level, planes[level]);
                byLevel.put(level, forLevel(session, planes[level], options, step(options)));
            }
        }
        Map<Integer, Double> millis = timeInterleaved(session, byLevel, hasteByLevel, info.inputName(), info.inputShape(), inputs, options);
        double dense = millis.get(-1) / 1000;
        double[] levelMillis = new double[levels];
        boolean[] levelDense = new boolean[levels];
        for (int level = 0; level < levels; level++) {
            Double t = millis.get(level);
            levelMillis[level] = t == null ? dense : t / 1000;
            levelDense[level] = t == null || levelMillis[level] > dense * (1 - LEVEL_MARGIN);
        }
        Device device = Device.current(env.getVersion(), options.threads(), options.planKernel(session.kernel()));
        return new CostTable(modelSha, device, margin, names, denseMicros, hasteMicros, haste, dense, levelMillis, levelDense, loadPerCore);
    }

    /** The named tensors of the original model for every input. */
    private Map<String, List<FloatTensor>> activations(ModelProto original, HasteModelInfo info, List<String> names,
                                                       List<FloatTensor> inputs, RuntimeOptions options) throws OrtException {
        Map<String, List<FloatTensor>> out = new LinkedHashMap<>();
        names.forEach(name -> out.put(name, new ArrayList<>()));
        ModelProto exposed = OnnxModels.withExtraOutputs(original, names);
        try (OrtSession.SessionOptions so = options.sessionOptions();
             OrtSession s = env.createSession(exposed.toByteArray(), so)) {
            for (FloatTensor input : inputs) {
                try (OnnxTensor x = input.toOnnx(env);
                     OrtSession.Result r = s.run(Map.of(info.inputName(), x), new LinkedHashSet<>(names))) {
                    for (String name : names) {
                        out.get(name).add(FloatTensor.of((OnnxTensor) r.get(name).orElseThrow()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Median microseconds of each of {@code models} on {@code feeds} of {@code input} (shape {@code
     * shape}), interleaved. With stream reuse, the models of {@code hastePlanes}' keys read a kept
     * state: each is fed the state a refresh of the first feed keeps with its planes, so that it
     * costs what a reused frame costs.
     */
    private <K> Map<K, Double> timeInterleaved(HasteSession session, Map<K, ModelProto> models, Map<K, int[]> hastePlanes, String input,
                                               long[] shape, List<FloatTensor> feeds, RuntimeOptions options) throws OrtException {
        Map<K, Map<String, OnnxTensor>> fixed = new LinkedHashMap<>();
        List<KeptState> kept = new ArrayList<>();
        try {
            if (options.streamReuse()) {
                for (Map.Entry<K, int[]> e : hastePlanes.entrySet()) {
                    KeptState state = keep(session, e.getValue(), options, input, shape, feeds.get(0));
                    kept.add(state);
                    fixed.put(e.getKey(), state.tensors());
                }
            }
            return new InterleavedTimer(env, repeats).medianMicros(models, feeds.stream().map(f -> Map.of(input, f)).toList(), fixed, options);
        } finally {
            kept.forEach(KeptState::close);
        }
    }

    /** What is timed for a HASTE layer or level: a frame on its own, or with stream reuse a frame reusing a kept state. */
    private static StreamStep step(RuntimeOptions options) {
        return options.streamReuse() ? StreamStep.REUSE : StreamStep.FRAME;
    }

    private static ModelProto forLevel(HasteSession session, int[] planes, RuntimeOptions options, StreamStep step) {
        return LevelModel.of(session.original(), session.info(), planes, new LevelModel.Options(session.kernel(), options.nchwcBlock(), options.threads(), step));
    }

    /**
     * The state a refresh of {@code feed} keeps with {@code planes}, computed from {@code input}
     * (the model's input or one layer's) by the part of the refresh model that makes it.
     */
    private KeptState keep(HasteSession session, int[] planes, RuntimeOptions options, String input, long[] shape, FloatTensor feed)
            throws OrtException {
        ModelProto refresh = forLevel(session, planes, options, StreamStep.REFRESH);
        Set<String> plain = new HashSet<>(List.of(HasteModelInfo.CHANNELS_OUTPUT));
        session.original().getGraph().getOutputList().forEach(o -> plain.add(o.getName()));
        List<String> names = refresh.getGraph().getOutputList().stream().map(o -> o.getName()).filter(o -> !plain.contains(o)).toList();
        OrtSession.SessionOptions so = options.sessionOptions();
        OrtSession s = null;
        try (OnnxTensor x = feed.toOnnx(env)) {
            s = env.createSession(OnnxModels.subgraph(refresh, input, shape, names).toByteArray(), so);
            OrtSession.Result result = s.run(Map.of(input, x));
            Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
            names.forEach(name -> tensors.put(name, (OnnxTensor) result.get(name).orElseThrow()));
            return new KeptState(so, s, result, tensors);
        } catch (OrtException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            so.close();
            throw e;
        }
    }

    /** A refresh's kept state, open (with its session) until closed. */
    private record KeptState(OrtSession.SessionOptions options, OrtSession session, OrtSession.Result result,
                             Map<String, OnnxTensor> tensors) implements AutoCloseable {
        @Override
        public void close() {
            result.close();
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            } finally {
                options.close();
            }
        }
    }

    /** The median of {@code values} (nanoseconds). */
    static double median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
