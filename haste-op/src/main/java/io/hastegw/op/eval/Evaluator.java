package io.hastegw.op.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.accounting.MacsBreakdown;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.FrameGeometry;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModelException;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;

/**
 * Measures a HASTE model against its dense original on labelled images, in one process: top-1
 * (a classifier) or mAP (a detector; {@link EvalSet}), MACs executed (overhead included) and ONNX
 * Runtime latency per image at batch 1. Runs are
 * interleaved image by image (dense, then every level) after a warm-up, so that both models see
 * the same machine state.
 */
public final class Evaluator {
    /** Told how far an evaluation is: images done (warm-up excluded) out of the total. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} images have run through every configuration. */
        void update(int done, int total);
    }

    private final OrtEnvironment env;
    private final int threads;
    private final int warmup;
    private final Progress progress;
    private final boolean baselines;

    /**
     * @param threads   intra-op threads of both sessions
     * @param warmup    images run through every configuration before measuring
     * @param progress  told after every image
     * @param baselines also run the static baselines ({@link Baselines}) at every level's channel counts
     */
    public Evaluator(OrtEnvironment env, int threads, int warmup, Progress progress, boolean baselines) {
        this.env = env;
        this.threads = threads;
        this.warmup = warmup;
        this.progress = progress;
        this.baselines = baselines;
    }

    /**
     * Evaluates {@code haste} and the {@code compared} HASTE models of the same dense model (each at
     * every level, every image through every configuration before the next image) and {@code dense}.
     */
    public EvalReport evaluate(Path dense, Path haste, List<Path> compared, ModelCard card, EvalSet set)
            throws IOException, OrtException, OnnxModelException {
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> inputs = new ArrayList<>();
        List<FrameGeometry> geometries = new ArrayList<>();
        for (Path file : set.files()) {
            Preprocessor.Prepared p = pre.prepare(file);
            inputs.add(p.tensor());
            geometries.add(p.geometry());
        }
        String out = card.output().name();
        List<HasteSession> sessions = new ArrayList<>();
        try (OrtSession.SessionOptions options = OrtModels.options(threads);
             OrtSession denseSession = env.createSession(OnnxModels.read(dense).toByteArray(), options)) {
            sessions.add(new HasteSession(env, haste, out, RuntimeOptions.of(threads)));
            for (Path other : compared) {
                sessions.add(new HasteSession(env, other, out, RuntimeOptions.of(threads)));
            }
            HasteModelInfo info = sessions.get(0).info();
            Tally denseTally = new Tally(inputs.size(), set.judge());
            List<Tally[]> tallies = new ArrayList<>();
            for (HasteSession s : sessions) {
                Tally[] t = new Tally[s.info().schedule().levels()];
                Arrays.setAll(t, l -> new Tally(inputs.size(), set.judge()));
                tallies.add(t);
            }
            long denseMacs = MacsAccount.dense(info.computeLayers()).denseTotal();
            for (int i = 0; i < Math.min(warmup, inputs.size()); i++) {
                runDense(denseSession, card, inputs.get(i));
                for (HasteSession s : sessions) {
                    for (int l = 0; l < s.info().schedule().levels(); l++) {
                        s.run(inputs.get(i), l);
                    }
                }
            }
            for (int i = 0; i < inputs.size(); i++) {
                long t0 = System.nanoTime();
                FloatTensor scores = runDense(denseSession, card, inputs.get(i));
                denseTally.add(System.nanoTime() - t0, denseMacs, new long[0], MacsBreakdown.NONE);
                denseTally.judge.add(i, scores, geometries.get(i));
                for (int m = 0; m < sessions.size(); m++) {
                    for (int l = 0; l < tallies.get(m).length; l++) {
                        long t1 = System.nanoTime();
                        HasteSession.Inference inf = sessions.get(m).run(inputs.get(i), l);
                        Tally tally = tallies.get(m)[l];
                        tally.add(System.nanoTime() - t1, inf.macs().executedTotal(), inf.reducedChannels(), MacsBreakdown.of(inf.macs()));
                        tally.judge.add(i, inf.scores(), geometries.get(i));
                    }
                }
                progress.update(i + 1, inputs.size());
            }
            List<EvalReport.Row> rows = new ArrayList<>();
            rows.add(denseTally.row("dense", 0, 0, denseMacs, denseTally));
            rows.addAll(levelRows(info, tallies.get(0), denseMacs, denseTally));
            int levels = info.schedule().levels();
            List<EvalReport.Curve> curves = new ArrayList<>();
            for (int m = 1; m < sessions.size(); m++) {
                curves.add(new EvalReport.Curve(sessions.get(m).info().describe(),
                        levelRows(sessions.get(m).info(), tallies.get(m), denseMacs, denseTally)));
            }
            List<EvalReport.BaselineRow> baselineRows = new ArrayList<>();
            if (baselines) {
                ModelProto original = OnnxModels.read(dense);
                for (int l = 1; l < levels; l++) {
                    Map<String, Integer> kept = kept(info, rows.get(l + 1).meanChannels());
                    for (Baselines.Method method : Baselines.Method.values()) {
                        Quality quality = quality(Baselines.apply(original, kept, method, info.seed()), options, card, inputs,
                                geometries, set.judge());
                        long macs = Baselines.macs(info.computeLayers(), kept, method);
                        baselineRows.add(new EvalReport.BaselineRow(method.label(), l, quality, macs, 1 - (double) macs / denseMacs));
                    }
                }
            }
            int[] layerChannels = info.hasteLayers().stream().mapToInt(h -> info.layer(h.name()).inChannels()).toArray();
            return new EvalReport(card.name(), inputs.size(), threads, denseMacs, convMacs(info), rows, baselineRows, layerChannels, info.describe(), curves);
        } finally {
            for (HasteSession s : sessions) {
                s.close();
            }
        }
    }

    /**
     * One row per level of the HASTE model {@code info} describes; a patch-wise layer's channels
     * per patch (its reported count is the sum over its patches) where it ran HASTE.
     */
    /** MACs of the dense model's convolutions per image (its Gemm left out): what the paper's accounting counts. */
    private static long convMacs(HasteModelInfo info) {
        return info.computeLayers().stream().filter(l -> l.opType().equals("Conv")).mapToLong(io.hastegw.op.analysis.LayerInfo::denseMacs).sum();
    }

    private static List<EvalReport.Row> levelRows(HasteModelInfo info, Tally[] tallies, long denseMacs, Tally dense) {
        List<EvalReport.Row> rows = new ArrayList<>();
        for (int l = 0; l < tallies.length; l++) {
            int[] ls = info.schedule().hyperplanes()[l];
            EvalReport.Row row = tallies[l].row(Integer.toString(l), Arrays.stream(ls).min().orElse(0), Arrays.stream(ls).max().orElse(0),
                    denseMacs, dense);
            for (int i = 0; i < ls.length; i++) {
                if (ls[i] > 0) {
                    row.meanChannels()[i] /= info.hasteLayers().get(i).patches(info.layer(info.hasteLayers().get(i).name()));
                }
            }
            rows.add(row);
        }
        return rows;
    }

    /** Per HASTE layer that merged anything on average: its mean channel count, rounded (at least 1). */
    private static Map<String, Integer> kept(HasteModelInfo info, double[] meanChannels) {
        Map<String, Integer> kept = new LinkedHashMap<>();
        for (int i = 0; i < meanChannels.length; i++) {
            String name = info.hasteLayers().get(i).name();
            int k = (int) Math.max(1, Math.round(meanChannels[i]));
            if (k < info.layer(name).inChannels()) {
                kept.put(name, k);
            }
        }
        return kept;
    }

    /** The quality of {@code model} on the images, as {@code judge} judges it. */
    private Quality quality(ModelProto model, OrtSession.SessionOptions options, ModelCard card, List<FloatTensor> inputs,
                            List<FrameGeometry> geometries, EvalSet.Judge judge) throws OrtException {
        try (OrtSession session = env.createSession(model.toByteArray(), options)) {
            for (int i = 0; i < inputs.size(); i++) {
                judge.add(i, runDense(session, card, inputs.get(i)), geometries.get(i));
            }
        }
        return judge.quality();
    }

    private FloatTensor runDense(OrtSession session, ModelCard card, FloatTensor input) throws OrtException {
        try (OnnxTensor x = input.toOnnx(env);
             OrtSession.Result r = session.run(Map.of(card.input().name(), x))) {
            return FloatTensor.of((OnnxTensor) r.get(card.output().name()).orElseThrow());
        }
    }

    /** Running sums for one configuration; its judge scores the outputs. */
    private static final class Tally {
        private final double[] millis;
        private final EvalSet.Judge judge;
        private int n;
        private double macs;
        private double[] channels;
        private MacsBreakdown terms = MacsBreakdown.NONE;

        Tally(int capacity, EvalSet.Judge judge) {
            millis = new double[capacity];
            this.judge = judge;
        }

        void add(long nanos, long executedMacs, long[] reduced, MacsBreakdown breakdown) {
            millis[n++] = nanos / 1e6;
            terms = terms.plus(breakdown);
            macs += executedMacs;
            if (channels == null) {
                channels = new double[reduced.length];
            }
            for (int i = 0; i < reduced.length; i++) {
                channels[i] += reduced[i];
            }
        }

        double median() {
            return percentile(0.5);
        }

        double percentile(double q) {
            double[] sorted = Arrays.copyOf(millis, n);
            Arrays.sort(sorted);
            return sorted[(int) Math.min(n - 1, Math.round(q * (n - 1)))];
        }

        EvalReport.Row row(String name, int minL, int maxL, long denseMacs, Tally dense) {
            double meanMacs = macs / n;
            double[] meanChannels = Arrays.stream(channels).map(c -> c / n).toArray();
            MacsBreakdown meanTerms = terms.times(1.0 / n);
            return new EvalReport.Row(name, minL, maxL, judge.quality(), meanMacs, 1 - (meanMacs - meanTerms.padding()) / denseMacs,
                    1 - meanMacs / denseMacs, median(), percentile(0.1), percentile(0.9), median() / dense.median(), meanChannels, meanTerms);
        }
    }
}
