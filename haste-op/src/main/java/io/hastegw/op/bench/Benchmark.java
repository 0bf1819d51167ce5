package io.hastegw.op.bench;

import io.hastegw.op.transform.Nchwc;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.accounting.LayerMacs;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.cost.CostCalibrator;
import io.hastegw.op.cost.CostTable;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.cost.InterleavedTimer;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.NchwcLayout;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * Wall-clock benchmark of a HASTE model against dense ONNX Runtime, in one process on the same
 * input images: dense, then at every level the portable graph, the native kernel with the
 * schedule as is, and the native kernel with the calibrated cost plan. Runs are interleaved
 * (every configuration on an image before the next image, the order rotating per image) after a
 * warm-up; the report gives the median and the 10th-90th percentile spread, the speedup next to
 * the MACs-implied ideal (dense MACs / executed MACs, hashing and merging included) and a
 * per-layer breakdown of one level from the calibration.
 */
public final class Benchmark {
    private final OrtEnvironment env;
    private final int warmup;
    private final int calibrationImages;

    /**
     * @param warmup            images run through every configuration before measuring
     * @param calibrationImages images the cost model is calibrated on (the first ones)
     */
    public Benchmark(OrtEnvironment env, int warmup, int calibrationImages) {
        this.env = env;
        this.warmup = warmup;
        this.calibrationImages = calibrationImages;
    }

    /** One configuration at one level: its timings (ns) and what its inferences reported. */
    private static final class Series {
        final List<Long> nanos = new ArrayList<>();
        long executedMacs;
        long reduced;
        long channels;
        int runs;
    }

    /** Runs the benchmark of the HASTE model {@code file} with {@code threads} intra-op threads. */
    public String run(Path file, String modelSha, String outputName, List<FloatTensor> inputs, int threads, int breakdownLevel)
            throws Exception {
        RuntimeOptions nativeOptions = RuntimeOptions.of(threads);
        if (nativeOptions.kernel().kernel().isEmpty()) {
            throw new IllegalStateException("the native kernel is unavailable: " + nativeOptions.kernel().reason());
        }
        RuntimeOptions portableOptions = nativeOptions.portable("benchmarked on purpose");
        StringBuilder out = new StringBuilder();
        try (HasteSession portable = new HasteSession(env, file, outputName, portableOptions);
             HasteSession nativeRaw = new HasteSession(env, file, outputName, nativeOptions)) {
            HasteModelInfo info = nativeRaw.info();
            long t0 = System.nanoTime();
            CostTable costs = new CostCalibrator(env, 3, CostCalibrator.DEFAULT_MARGIN)
                    .calibrate(nativeRaw, modelSha, nativeOptions, inputs.subList(0, Math.min(calibrationImages, inputs.size())));
            double calibrationSeconds = (System.nanoTime() - t0) / 1e9;
            try (HasteSession planned = new HasteSession(env, file, outputName, nativeOptions.withPlan(costs));
                 OrtSession.SessionOptions so = nativeOptions.sessionOptions();
                 OrtSession dense = env.createSession(nativeRaw.original().toByteArray(), so)) {
                int levels = info.schedule().levels();
                Map<String, Series> series = new LinkedHashMap<>();
                List<String> names = new ArrayList<>();
                names.add("dense");
                names.add("native+cost/0");
                for (int level = 1; level < levels; level++) {
                    names.add("portable/" + level);
                    names.add("native/" + level);
                    names.add("native+cost/" + level);
                }
                names.forEach(n -> series.put(n, new Series()));
                Sessions sessions = new Sessions(dense, portable, nativeRaw, planned, info.inputName());
                for (int i = 0; i < Math.min(warmup, inputs.size()); i++) {
                    for (String n : names) {
                        measure(n, inputs.get(i), sessions, null);
                    }
                }
                for (int i = 0; i < inputs.size(); i++) {
                    for (int k = 0; k < names.size(); k++) {
                        String n = names.get((k + i) % names.size());
                        measure(n, inputs.get(i), sessions, series.get(n));
                    }
                }
                long denseMacs = MacsAccount.dense(info.computeLayers()).denseTotal();
                out.append(String.format(Locale.ROOT, "### %s, %d thread%s, %d images, kernel %s; calibration %.1f s%n%n",
                        file.getFileName(), threads, threads == 1 ? "" : "s", inputs.size(), nativeOptions.kernel().describe(),
                        calibrationSeconds));
                out.append(levelTable(info, series, costs, denseMacs));
                out.append('\n').append(layerTable(nativeRaw, costs, inputs, Math.min(breakdownLevel, levels - 1), nativeOptions));
            }
        }
        return out.toString();
    }

    /** The sessions one configuration of the benchmark runs on, and the dense model's input name. */
    private record Sessions(OrtSession dense, HasteSession portable, HasteSession nativeRaw, HasteSession planned, String inputName) {}

    /** Runs {@code input} as {@code config} says ({@code dense}, {@code portable/<level>}, ...), adding its time to {@code into} (null: warm-up). */
    private void measure(String config, FloatTensor input, Sessions sessions, Series into) throws OrtException {
        long t0;
        long t1;
        MacsAccount macs = null;
        long[] channels = new long[0];
        if (config.equals("dense")) {
            // As HasteSession.run does: input tensor in, scores out.
            t0 = System.nanoTime();
            try (OnnxTensor x = input.toOnnx(env); OrtSession.Result r = sessions.dense().run(Map.of(sessions.inputName(), x))) {
                FloatTensor.of((OnnxTensor) r.get(0));
            }
            t1 = System.nanoTime();
        } else {
            int level = Integer.parseInt(config.substring(config.indexOf('/') + 1));
            HasteSession s = config.startsWith("portable") ? sessions.portable() : config.startsWith("native+cost") ? sessions.planned()
                    : sessions.nativeRaw();
            t0 = System.nanoTime();
            HasteSession.Inference inf = s.run(input, level);
            t1 = System.nanoTime();
            macs = inf.macs();
            channels = inf.reducedChannels();
        }
        if (into == null) {
            return;
        }
        into.nanos.add(t1 - t0);
        into.runs++;
        if (macs != null) {
            into.executedMacs += macs.executedTotal();
            for (LayerMacs l : macs.layers()) {
                if (l.channels() > 0 && l.reducedChannels() < l.channels()) {
                    into.reduced += l.channels() - l.reducedChannels();
                }
            }
            into.channels += Arrays.stream(channels).sum();
        }
    }

    private static String levelTable(HasteModelInfo info, Map<String, Series> series, CostTable costs, long denseMacs) {
        StringBuilder b = new StringBuilder();
        Series dense = series.get("dense");
        double d = median(dense.nanos);
        b.append(String.format(Locale.ROOT, "dense ONNX Runtime: %.3f ms (p10-p90 %.3f-%.3f), %.1f M MACs%n%n",
                d / 1e6, pct(dense.nanos, 10) / 1e6, pct(dense.nanos, 90) / 1e6, denseMacs / 1e6));
        Series zero = series.get("native+cost/0");
        b.append(String.format(Locale.ROOT, "level 0 through HasteSession (the same graph as dense, its own session): %.3f ms, %.3fx: "
                + "how far two sessions of one graph differ in this run%n%n", median(zero.nanos) / 1e6, d / median(zero.nanos)));
        b.append("| level | L (first HASTE layer) | merged channels | executed M MACs (incl. overhead) | ideal speedup | "
                + "portable ms | native ms (p10-p90) | native speedup | of ideal | cost plan: HASTE layers | native+cost ms | native+cost speedup |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int layers = info.hasteLayers().size();
        long totalIn = info.hasteLayers().stream().mapToLong(h -> info.layer(h.name()).inChannels()).sum();
        for (int level = 1; level < info.schedule().levels(); level++) {
            Series p = series.get("portable/" + level);
            Series n = series.get("native/" + level);
            Series c = series.get("native+cost/" + level);
            double merged = n.runs == 0 ? 0 : (double) n.reduced / n.runs / totalIn;
            double executed = (double) n.executedMacs / n.runs;
            double ideal = denseMacs / executed;
            double speed = d / median(n.nanos);
            b.append(String.format(Locale.ROOT, "| %d | %d | %.1f %% | %.1f | %.3fx | %.3f | %.3f (%.3f-%.3f) | %.3fx | %.0f %% | %d/%d%s | %.3f | %.3fx |%n",
                    level, info.schedule().hyperplanes(level, 0), 100 * merged, executed / 1e6, ideal, median(p.nanos) / 1e6,
                    median(n.nanos) / 1e6, pct(n.nanos, 10) / 1e6, pct(n.nanos, 90) / 1e6, speed, 100 * speed / ideal,
                    costs.hasteLayers(level), layers, costs.levelDense()[level] ? " (dense model)" : "", median(c.nanos) / 1e6,
                    d / median(c.nanos)));
        }
        b.append("\nideal speedup = dense MACs / executed MACs (hashing and merging included); \"of ideal\" = native speedup / ideal "
                + "speedup. \"native\" runs every HASTE layer at the level's L; \"native+cost\" runs the cost plan calibrated above "
                + "(HASTE only in the layers measured faster, the dense model for a level not measured faster).\n");
        return b.toString();
    }

    private String layerTable(HasteSession nativeRaw, CostTable costs, List<FloatTensor> inputs, int level, RuntimeOptions options)
            throws OrtException {
        int block = options.nchwcBlock();
        HasteModelInfo info = nativeRaw.info();
        long[] sum = new long[info.hasteLayers().size()];
        List<LayerMacs> macs = null;
        for (FloatTensor x : inputs) {
            HasteSession.Inference inf = nativeRaw.run(x, level);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += inf.reducedChannels()[i];
            }
            macs = inf.macs().layers();
        }
        Map<String, LayerMacs> byName = new LinkedHashMap<>();
        macs.forEach(m -> byName.put(m.name(), m));
        Map<String, double[]> bound = reducedConvBound(nativeRaw, sum, inputs.size(), options);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "Per layer at level %d (native kernel; dense and HASTE times from the calibration, each layer alone on its real "
                        + "inputs; the last two columns time, in one run, the dense Conv and the reduced Conv HASTE runs (%s) alone "
                        + "on the mean Cred channels with the weights as a run-time input: what HASTE costs at best on ONNX Runtime, "
                        + "before any hashing or merging):%n%n", level,
                block > 0 ? "ONNX Runtime's NCHWc Conv, block " + block + ", channels padded to whole blocks" : "ONNX Runtime's Conv"));
        b.append("| layer | C -> O, k, input HxW | L | mean Cred / C | dense us | HASTE us | HASTE / dense | dense M MACs "
                + "| HASTE M MACs (incl. overhead) | cost plan | reduced Conv alone / dense Conv | dense Conv us |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < sum.length; i++) {
            var l = info.layer(info.hasteLayers().get(i).name());
            LayerMacs m = byName.get(l.name());
            int planes = info.schedule().hyperplanes(level, i);
            LayerMacs hm = planes == 0 ? m : nativeRaw.account(level, meanChannels(sum, inputs.size())).layers().stream()
                    .filter(x -> x.name().equals(l.name())).findFirst().orElseThrow();
            double[] lb = bound.get(l.name());
            b.append(String.format(Locale.ROOT, "| %s | %d -> %d, %dx%d, %dx%d | %d | %.1f / %d | %.1f | %.1f | %.2f | %.2f | %.2f | %s | %.2f | %.1f |%n",
                    l.name(), l.inChannels(), l.outChannels(), l.weightShape()[2], l.weightShape()[3], l.inputShape()[2], l.inputShape()[3],
                    planes, (double) sum[i] / inputs.size(), l.inChannels(), costs.denseMicros()[i], costs.hasteMicros()[level][i],
                    costs.hasteMicros()[level][i] / costs.denseMicros()[i], l.denseMacs() / 1e6, hm.executed() / 1e6,
                    costs.levelDense()[level] ? "dense (level)" : costs.haste()[level][i] ? "HASTE" : "dense", lb[1] / lb[0], lb[0]));
        }
        return b.toString();
    }

    /**
     * Per HASTE layer: microseconds of its dense Conv (constant weights) and of ONNX Runtime's
     * Conv on the layer's mean merged channel count with run-time weights, timed interleaved on
     * random inputs (Conv time does not depend on the values).
     */
    private Map<String, double[]> reducedConvBound(HasteSession session, long[] sumChannels, int runs, RuntimeOptions options)
            throws OrtException {
        int block = options.nchwcBlock();
        HasteModelInfo info = session.info();
        ModelProto original = session.original();
        Map<String, double[]> out = new LinkedHashMap<>();
        InterleavedTimer timer = new InterleavedTimer(env, 5);
        Random random = new Random(3);
        for (int i = 0; i < sumChannels.length; i++) {
            LayerInfo l = info.layer(info.hasteLayers().get(i).name());
            NodeProto conv = original.getGraph().getNodeList().stream().filter(n -> n.getName().equals(l.name())).findFirst().orElseThrow();
            int cred = Math.max(1, (int) Math.round((double) sumChannels[i] / runs));
            long[] in = l.inputShape();
            long[] w = l.weightShape();
            ModelProto dense = OnnxModels.subgraph(original, conv.getInput(0), in, conv.getOutput(0));
            long cp = block > 0 ? Nchwc.blocks(cred, block) : cred;
            long op = block > 0 ? Nchwc.blocks(w[0], block) : w[0];
            GraphProto.Builder g = GraphProto.newBuilder().setName("reduced")
                    .addInput(Tensors.valueInfo("x", TensorProto.DataType.FLOAT_VALUE, 1, cp, in[2], in[3]))
                    .addInput(Tensors.valueInfo("w", TensorProto.DataType.FLOAT_VALUE, op, cp, w[2], w[3]))
                    .addOutput(Tensors.floatValueInfo("y"))
                    .addInitializer(Tensors.floats("b", new float[(int) op], op));
            if (block > 0) {
                g.addAllNode(Nchwc.conv(conv, List.of("x", "w", "b"), "y_nchwc", "y", w[0]));
            } else {
                g.addNode(conv.toBuilder().clearInput().addAllInput(List.of("x", "w", "b")).clearOutput().addOutput("y"));
            }
            ModelProto reduced = original.toBuilder().setGraph(g).clearMetadataProps()
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NchwcLayout.DOMAIN).setVersion(1)).build();
            List<Map<String, FloatTensor>> feeds = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                feeds.add(Map.of(conv.getInput(0), random(random, in), "x", random(random, 1, cp, in[2], in[3]),
                        "w", random(random, op, cp, w[2], w[3])));
            }
            Map<String, ModelProto> models = new LinkedHashMap<>();
            models.put("dense", dense);
            models.put("reduced", reduced);
            Map<String, Double> t = timer.medianMicros(models, feeds, options);
            out.put(l.name(), new double[] {t.get("dense"), t.get("reduced")});
        }
        return out;
    }

    private static FloatTensor random(Random random, long... shape) {
        float[] data = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return new FloatTensor(data, shape);
    }

    private static long[] meanChannels(long[] sum, int n) {
        return Arrays.stream(sum).map(s -> Math.round((double) s / n)).toArray();
    }

    private static double median(List<Long> v) {
        return pct(v, 50);
    }

    /** The {@code p}-th percentile (nearest rank) of {@code v}. */
    static double pct(List<Long> v, int p) {
        long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
