package io.hastegw.op.bench;

import ai.onnxruntime.OrtException;
import io.hastegw.op.accounting.LayerMacs;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.cost.CostTable;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.FrameSignature;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.HasteStream;
import io.hastegw.op.runtime.RefreshCause;
import io.hastegw.op.runtime.ReusePolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stream benchmark (not a test): one camera's clips ({@link StreamClips}) through dense ONNX
 * Runtime, per-frame HASTE, HASTE with stream reuse, and HASTE with stream reuse and the cost plan
 * (what the gateway runs) at each level, the four interleaved frame
 * clip by clip (their order rotating) in one process on one session, so that they see the same
 * frames, caches and machine state. Reports the clips' score (top-1, or mAP for a detector's
 * clips), the reuse ratio, refreshes by cause,
 * wall-clock per frame against dense, MACs (HASTE's overhead included) and the state one camera
 * keeps, and the frame signature's distances within clips and across scene cuts (what the drift
 * threshold separates).
 */
public final class StreamBenchmark {
    /** A 15 frames/s camera: the frames' arrival times (the policy's quiet rule never fires on them). */
    private static final long FRAME_NANOS = 1_000_000_000L / 15;

    private final HasteSession session;
    private final HasteSession planned;
    private final ReusePolicy policy;
    private final int warmup;

    /**
     * @param session the HASTE model's session, every layer as its schedule says (its level 0 is the dense model)
     * @param planned the same model with a cost plan measured for stream reuse (what the gateway runs)
     * @param policy  the refresh rules
     * @param warmup  frames run in every mode before timing, per level
     */
    public StreamBenchmark(HasteSession session, HasteSession planned, ReusePolicy policy, int warmup) {
        this.session = session;
        this.planned = planned;
        this.policy = policy;
        this.warmup = warmup;
    }

    /**
     * The figures of one level.
     *
     * @param level          the level
     * @param frames         frames measured
     * @param topDense       the clips' score (top-1, or mAP) of dense, percent
     * @param topFrame       that of per-frame HASTE
     * @param topReuse       that with reuse
     * @param reused         frames that reused the kept state
     * @param refreshes      refresh frames by cause
     * @param msDense        mean wall-clock per frame, dense
     * @param msFrame        per-frame HASTE
     * @param msReuse        with reuse
     * @param topPlanned     the score with reuse and the cost plan
     * @param msPlanned      with reuse and the cost plan
     * @param plannedLayers  HASTE layers the cost plan runs at this level (0: the dense model)
     * @param merged         merged channels, percent of the HASTE layers' input channels (per-frame, mean)
     * @param macsDense      dense MACs per frame
     * @param macsFrame      mean executed MACs per frame, per-frame HASTE (overhead included)
     * @param macsReuse      mean executed MACs per frame with reuse (refresh frames' overhead included)
     * @param stateBytes     the most native memory the camera's state held at the end of a clip
     * @param frameLayers    per-layer MACs of per-frame HASTE, summed over frames
     * @param reuseLayers    per-layer MACs of the reuse frames, summed over them
     */
    public record LevelResult(int level, int frames, double topDense, double topFrame, double topReuse, int reused,
                              Map<RefreshCause, Integer> refreshes, double msDense, double msFrame, double msReuse, double topPlanned,
                              double msPlanned, int plannedLayers, double merged,
                              long macsDense, double macsFrame, double macsReuse, long stateBytes, List<LayerMacs> frameLayers,
                              List<LayerMacs> reuseLayers) {
        /** Reused frames over all frames. */
        public double reuseRatio() {
            return (double) reused / frames;
        }
    }

    /** Runs the clips' frames at {@code level}, every mode scored as the clips say. */
    public LevelResult run(StreamClips.Clips clips, int level) throws OrtException {
        List<StreamClips.Frame> frames = clips.frames();
        try (HasteStream stream = new HasteStream(); HasteStream planStream = new HasteStream()) {
            for (int i = 0; i < Math.min(warmup, frames.size()); i++) {
                FloatTensor in = frames.get(i).input();
                session.run(in, 0);
                session.run(in, level);
                session.run(in, level, stream, policy, i * FRAME_NANOS);
                planned.run(in, level, planStream, policy, i * FRAME_NANOS);
            }
        }
        long[] time = new long[4];
        int reused = 0;
        double merged = 0, macsFrame = 0, macsReuse = 0;
        long macsDense = 0, stateBytes = 0;
        Map<RefreshCause, Integer> refreshes = new EnumMap<>(RefreshCause.class);
        long[][] frameLayers = null, reuseLayers = null;
        List<LayerMacs> template = null;
        HasteSession.Inference[] dense = new HasteSession.Inference[frames.size()];
        HasteSession.Inference[] alone = new HasteSession.Inference[frames.size()];
        HasteSession.StreamInference[] kept = new HasteSession.StreamInference[frames.size()];
        HasteSession.StreamInference[] plan = new HasteSession.StreamInference[frames.size()];
        try (HasteStream stream = new HasteStream(); HasteStream planStream = new HasteStream()) {
            // Clip by clip, each mode over the whole clip in turn (the order rotating from clip to
            // clip): as a gateway runs, one model at a time, with its weights in cache.
            int start = 0;
            for (int clip = 0; start < frames.size(); clip++) {
                int end = start;
                while (end < frames.size() && frames.get(end).clip() == frames.get(start).clip()) {
                    end++;
                }
                for (int k = 0; k < time.length; k++) {
                    int mode = (clip + k) % time.length;
                    long t0 = System.nanoTime();
                    for (int i = start; i < end; i++) {
                        FloatTensor in = frames.get(i).input();
                        switch (mode) {
                            case 0 -> dense[i] = session.run(in, 0);
                            case 1 -> alone[i] = session.run(in, level);
                            case 2 -> kept[i] = session.run(in, level, stream, policy, i * FRAME_NANOS);
                            default -> plan[i] = planned.run(in, level, planStream, policy, i * FRAME_NANOS);
                        }
                    }
                    time[mode] += System.nanoTime() - t0;
                }
                start = end;
                stateBytes = Math.max(stateBytes, stream.bytes());
            }
        }
        for (int i = 0; i < frames.size(); i++) {
            if (kept[i].reused()) {
                reused++;
                reuseLayers = accumulate(reuseLayers, kept[i].inference().macs());
            }
            kept[i].refresh().ifPresent(c -> refreshes.merge(c, 1, Integer::sum));
            macsDense = dense[i].macs().denseTotal();
            macsFrame += alone[i].macs().executedTotal();
            macsReuse += kept[i].inference().macs().executedTotal();
            merged += mergedFraction(alone[i].macs());
            template = alone[i].macs().layers();
            frameLayers = accumulate(frameLayers, alone[i].macs());
        }
        int n = frames.size();
        int plannedLayers = (int) Arrays.stream(planned.planes(level)).filter(l -> l > 0).count();
        List<FloatTensor> denseOut = Arrays.stream(dense).map(HasteSession.Inference::scores).toList();
        StreamClips.ClipScore score = clips.score();
        return new LevelResult(level, n, score.percent(denseOut, denseOut),
                score.percent(Arrays.stream(alone).map(HasteSession.Inference::scores).toList(), denseOut),
                score.percent(Arrays.stream(kept).map(k -> k.inference().scores()).toList(), denseOut), reused, refreshes,
                time[0] / 1e6 / n, time[1] / 1e6 / n, time[2] / 1e6 / n,
                score.percent(Arrays.stream(plan).map(k -> k.inference().scores()).toList(), denseOut), time[3] / 1e6 / n, plannedLayers,
                100 * merged / n, macsDense, macsFrame / n, macsReuse / n, stateBytes, layers(template, frameLayers, n),
                layers(template, reuseLayers, Math.max(1, reused)));
    }

    /** Merged channels over the HASTE layers' input channels, in one inference. */
    private static double mergedFraction(MacsAccount macs) {
        long c = 0, cr = 0;
        for (LayerMacs l : macs.layers()) {
            if (l.overhead() > 0) {
                c += l.channels();
                cr += l.reducedChannels();
            }
        }
        return c == 0 ? 0 : 1 - (double) cr / c;
    }

    /** Sums per layer: compute, hashing, input merge, filter merge, reduced channels. */
    private static long[][] accumulate(long[][] sums, MacsAccount macs) {
        List<LayerMacs> ls = macs.layers();
        long[][] s = sums != null ? sums : new long[ls.size()][5];
        for (int i = 0; i < ls.size(); i++) {
            LayerMacs l = ls.get(i);
            s[i][0] += l.compute();
            s[i][1] += l.hashing();
            s[i][2] += l.inputMerge();
            s[i][3] += l.filterMerge();
            s[i][4] += l.reducedChannels();
        }
        return s;
    }

    /** The per-layer means of {@code sums} over {@code n} inferences. */
    private static List<LayerMacs> layers(List<LayerMacs> template, long[][] sums, int n) {
        List<LayerMacs> out = new ArrayList<>();
        if (template == null || sums == null) {
            return out;
        }
        for (int i = 0; i < template.size(); i++) {
            LayerMacs t = template.get(i);
            long[] s = sums[i];
            out.add(new LayerMacs(t.name(), t.dense(), s[0] / n, s[1] / n, s[2] / n, s[3] / n, t.channels(), (int) Math.round((double) s[4] / n)));
        }
        return out;
    }

    /** The report's table of levels, Markdown. */
    public static String table(List<LevelResult> results, String accuracy) {
        StringBuilder b = new StringBuilder();
        b.append("| level | merged channels | ").append(accuracy).append(" dense | per-frame HASTE | with reuse | reuse - per-frame (pp) | reuse ratio "
                + "| refreshes (first/interval/drift) | dense ms | per-frame ms | reuse ms | per-frame speed vs dense | reuse speed vs dense "
                + "| MACs saved per-frame | MACs saved with reuse | state per camera | reuse + cost plan: HASTE layers | its ").append(accuracy)
                .append(" | its ms | its speed vs dense |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (LevelResult r : results) {
            b.append(String.format(Locale.ROOT,
                    "| %d | %.1f %% | %.2f %% | %.2f %% | %.2f %% | %+.2f | %.1f %% | %d/%d/%d | %.3f | %.3f | %.3f | %.3fx | %.3fx | %.2f %% | %.2f %% | %.2f MB "
                            + "| %s | %.2f %% | %.3f | %.3fx |%n",
                    r.level(), r.merged(), r.topDense(), r.topFrame(), r.topReuse(), r.topReuse() - r.topFrame(), 100 * r.reuseRatio(),
                    r.refreshes().getOrDefault(RefreshCause.FIRST, 0), r.refreshes().getOrDefault(RefreshCause.INTERVAL, 0),
                    r.refreshes().getOrDefault(RefreshCause.DRIFT, 0), r.msDense(), r.msFrame(), r.msReuse(), r.msDense() / r.msFrame(),
                    r.msDense() / r.msReuse(), 100 * (1 - r.macsFrame() / r.macsDense()), 100 * (1 - r.macsReuse() / r.macsDense()),
                    r.stateBytes() / 1e6, r.plannedLayers() == 0 ? "0 (the dense model)" : Integer.toString(r.plannedLayers()), r.topPlanned(),
                    r.msPlanned(), r.msDense() / r.msPlanned()));
        }
        return b.toString();
    }

    /** Per-layer MACs of one level: dense, per-frame HASTE with its overhead, a reuse frame's. */
    public static String layerTable(LevelResult r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "| layer | C | mean Cred | dense M MACs | per-frame M MACs (conv + hash + input merge + filter merge) | reuse frame M MACs (conv + input merge) |%n|---|---|---|---|---|---|%n"));
        for (int i = 0; i < r.frameLayers().size(); i++) {
            LayerMacs f = r.frameLayers().get(i);
            if (f.overhead() == 0) {
                continue;
            }
            LayerMacs u = r.reuseLayers().isEmpty() ? f : r.reuseLayers().get(i);
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f (%.2f + %.2f + %.2f + %.2f) | %.2f (%.2f + %.2f) |%n", f.name(),
                    f.channels(), f.reducedChannels(), f.dense() / 1e6, f.executed() / 1e6, f.compute() / 1e6, f.hashing() / 1e6,
                    f.inputMerge() / 1e6, f.filterMerge() / 1e6, u.executed() / 1e6, u.compute() / 1e6, u.inputMerge() / 1e6));
        }
        return b.toString();
    }

    /**
     * Wall clock per HASTE layer at {@code level}, each layer alone on its real inputs, dense and as a
     * reused frame runs it (with the state a refresh kept), as the cost plan for stream reuse
     * measured them ({@code plan}: medians), and whether the plan runs the layer HASTE.
     */
    public static String layerTimes(CostTable plan, int level) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "per HASTE layer at level %d, each alone on its real inputs, as the "
                + "cost plan for stream reuse measured it (medians; %s):%n%n| layer | dense us | reused frame us | reused / dense | "
                + "cost plan |%n|---|---|---|---|---|%n", level, plan.levelDense()[level] ? "the level runs the dense model"
                : String.format(Locale.ROOT, "the level as a whole %.3f ms against %.3f ms dense", plan.levelMillis()[level], plan.denseModelMillis())));
        for (int i = 0; i < plan.layers().length; i++) {
            double h = plan.hasteMicros()[level][i];
            b.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s | %s |%n", plan.layers()[i], plan.denseMicros()[i],
                    h == 0 ? "-" : String.format(Locale.ROOT, "%.1f", h), h == 0 ? "L = 0" : String.format(Locale.ROOT, "%.2f", h / plan.denseMicros()[i]),
                    plan.haste()[level][i] ? "HASTE" : "dense"));
        }
        return b.toString();
    }

    /**
     * The frame signature's distance from each clip's first frame to its other frames, and across
     * each scene cut (last frame of a clip to the next clip's first): percentiles of both.
     */
    public static String signatureDistances(List<StreamClips.Frame> frames, double threshold) {
        List<Double> within = new ArrayList<>(), cuts = new ArrayList<>();
        FrameSignature first = null, previous = null;
        for (StreamClips.Frame f : frames) {
            FrameSignature s = FrameSignature.of(f.input());
            if (f.index() == 0) {
                if (previous != null) {
                    cuts.add(s.distance(previous));
                }
                first = s;
            } else {
                within.add(s.distance(first));
            }
            previous = s;
        }
        double[] w = within.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] c = cuts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long above = within.stream().filter(d -> d > threshold).count();
        long caught = cuts.stream().filter(d -> d > threshold).count();
        return String.format(Locale.ROOT, "frame signature distance (1 - cosine of centred %dx%d pooled maps): within clips, to the clip's "
                        + "first frame: median %.4f, p95 %.4f, max %.4f (%d of %d above the threshold %.3f); across scene cuts: min %.4f, "
                        + "p5 %.4f, median %.4f (%d of %d cuts above the threshold)%n",
                FrameSignature.GRID, FrameSignature.GRID, pct(w, 50), pct(w, 95), pct(w, 100), above, w.length, threshold, pct(c, 0), pct(c, 5),
                pct(c, 50), caught, c.length);
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p / 100 * (sorted.length - 1)))];
    }
}
