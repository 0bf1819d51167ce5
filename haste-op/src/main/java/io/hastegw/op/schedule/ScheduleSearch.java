package io.hastegw.op.schedule;

import io.hastegw.op.transform.StreamStep;
import io.hastegw.op.transform.LevelModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.accounting.LayerMacs;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Evaluator;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.LevelSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.ModelProto;

/**
 * Finds a per-layer schedule for given MACs budgets: every level may execute at most its budget
 * (a fraction of the dense model's MACs, HASTE's overhead included), and spends it where the
 * model's outputs suffer least.
 *
 * <p>Each HASTE layer is probed alone at every candidate L (all other layers dense) on a set of
 * frames: the MACs it saves (HASTE's overhead included, exact merged channel counts) and the damage ({@link OutputDamage}: for a
 * classifier the mean KL divergence of the output distribution from the dense model's, for a detector the share of the dense
 * model's detections lost, moved or added). No labels are used: the frames are synthetic by default (data-free)
 * or unlabelled real ones. {@link GreedyPath} then orders the moves by damage per MAC saved,
 * and each level takes the first point of that path that fits its budget (or the path's end).
 * A layer where HASTE saves nothing at any L stays dense at every level.
 */
public final class ScheduleSearch {
    private final OrtEnvironment env;
    private final RuntimeOptions runtime;
    private final Evaluator.Progress progress;

    /**
     * @param runtime  how probes run (kernel, NCHWc block, threads): the costs are this runtime's
     * @param progress told after every probe
     */
    public ScheduleSearch(OrtEnvironment env, RuntimeOptions runtime, Evaluator.Progress progress) {
        this.env = env;
        this.runtime = runtime;
        this.progress = progress;
    }

    /**
     * The search's outcome.
     *
     * @param schedule  level 0 dense, then one row per budget
     * @param probes    every probe, layer by layer, candidates in order
     * @param predicted per level, the predicted fraction of the dense MACs executed
     * @param damage    per level, the predicted damage (sum of the probes' damages along the path)
     */
    public record Result(LevelSchedule schedule, List<LayerProbe> probes, double[] predicted, double[] damage) {}

    /**
     * Searches the schedule of {@code original} whose HASTE layers {@code info} describes (as
     * transformed with at least the candidates' largest L stored per layer).
     *
     * @param card   the model card (its output, and for a detector its labels)
     * @param frames preprocessed frames, batch 1
     */
    public Result search(ModelProto original, HasteModelInfo info, ModelCard card, List<FloatTensor> frames, BudgetOptions budget)
            throws OrtException {
        int layers = info.hasteLayers().size();
        double dense = MacsAccount.dense(info.computeLayers()).denseTotal();
        String output = card.output().name();
        try (OrtSession.SessionOptions so = runtime.sessionOptions()) {
            Prober prober = new Prober(original, info, output, OutputDamage.of(card), frames, so, layers * budget.candidates().size());
            List<List<LayerProbe>> options = prober.probeAll(budget.candidates());
            Levels levels = rows(options, GreedyPath.walk(options), budget, dense);
            return new Result(new LevelSchedule(levels.schedule()), prober.probes(), levels.predicted(), levels.damage());
        }
    }

    /** Per level: L per layer, the predicted fraction of the dense MACs, the predicted damage. */
    private record Levels(int[][] schedule, double[] predicted, double[] damage) {}

    /** Each level the first point of {@code path} within its budget (or the path's end). */
    private static Levels rows(List<List<LayerProbe>> options, List<GreedyPath.Point> path, BudgetOptions budget, double dense) {
        int levels = budget.budgets().size();
        int layers = options.size();
        int[][] rows = new int[levels + 1][layers];
        double[] predicted = new double[levels + 1];
        double[] damage = new double[levels + 1];
        predicted[0] = 1;
        for (int level = 1; level <= levels; level++) {
            double needed = (1 - budget.budgets().get(level - 1)) * dense;
            GreedyPath.Point point = path.stream().filter(p -> p.saving() >= needed).findFirst().orElse(path.get(path.size() - 1));
            for (int i = 0; i < layers; i++) {
                rows[level][i] = options.get(i).get(point.choice()[i]).planes();
            }
            predicted[level] = 1 - point.saving() / dense;
            damage[level] = point.damage();
        }
        return new Levels(rows, predicted, damage);
    }

    /** Runs probes: one layer at one L, the others dense, on the calibration frames. */
    private final class Prober {
        private final ModelProto original;
        private final HasteModelInfo info;
        private final String output;
        private final OutputDamage damage;
        private final List<FloatTensor> frames;
        private final OrtSession.SessionOptions so;
        private final List<Run> reference;
        private final int total;
        private final HasteKernel kernel;
        private final int block;
        private final MacsAccount.Accountant accountant;
        private final List<LayerProbe> probes = new ArrayList<>();
        private int done;

        /** Probes {@code total} (layer, L) pairs on {@code frames}, against the original model's outputs on them. */
        Prober(ModelProto original, HasteModelInfo info, String output, OutputDamage damage, List<FloatTensor> frames,
               OrtSession.SessionOptions so, int total) throws OrtException {
            this.original = original;
            this.info = info;
            this.output = output;
            this.damage = damage;
            this.frames = frames;
            this.so = so;
            this.reference = run(original, so, output, frames, false);
            this.total = total;
            this.kernel = runtime.kernel().kernel().isPresent() ? HasteKernel.NATIVE : HasteKernel.PORTABLE;
            this.block = kernel == HasteKernel.NATIVE ? runtime.nchwcBlock() : 0;
            // The method's MACs on exact channel counts, as boards without NCHWc (ARM) execute them; on
            // x86 the cost plan measures what padding to NCHWc blocks costs and turns such layers dense.
            this.accountant = new MacsAccount.Accountant(info, 0);
        }

        /** Every probe run so far. */
        List<LayerProbe> probes() {
            return probes;
        }

        /** Per layer, its options: dense, then each candidate L (every other layer dense). */
        List<List<LayerProbe>> probeAll(List<Integer> candidates) throws OrtException {
            List<List<LayerProbe>> options = new ArrayList<>();
            for (int i = 0; i < info.hasteLayers().size(); i++) {
                List<LayerProbe> layerOptions = new ArrayList<>(List.of(LayerProbe.dense(i)));
                for (int l : candidates) {
                    LayerProbe p = probe(i, l);
                    layerOptions.add(p);
                    probes.add(p);
                }
                options.add(layerOptions);
            }
            return options;
        }

        /** Layer {@code i} at {@code l}, the others dense: its own MACs saved, the model's damage. */
        private LayerProbe probe(int i, int l) throws OrtException {
            int[] planes = new int[info.hasteLayers().size()];
            planes[i] = l;
            String name = info.hasteLayers().get(i).name();
            ModelProto model = LevelModel.of(original, info, planes, new LevelModel.Options(kernel, block, runtime.threads(), StreamStep.FRAME));
            List<Run> runs = run(model, so, output, frames, true);
            double saved = 0;
            double damage = 0;
            for (int f = 0; f < frames.size(); f++) {
                LayerMacs m = accountant.account(planes, runs.get(f).channels(), kernel).layers().stream()
                        .filter(x -> x.name().equals(name)).findFirst().orElseThrow();
                saved += m.dense() - m.executed();
                damage += this.damage.between(reference.get(f).output(), runs.get(f).output());
            }
            progress.update(++done, total);
            int n = frames.size();
            return new LayerProbe(i, l, saved / n, damage / n);
        }
    }

    /** One frame's output and, for a HASTE model, the channels each layer convolved. */
    private record Run(float[] output, long[] channels) {}

    private List<Run> run(ModelProto model, OrtSession.SessionOptions so, String outputName, List<FloatTensor> frames, boolean haste)
            throws OrtException {
        String input = model.getGraph().getInput(0).getName();
        Set<String> fetch = haste ? Set.of(outputName, HasteModelInfo.CHANNELS_OUTPUT) : Set.of(outputName);
        List<Run> runs = new ArrayList<>();
        try (OrtSession session = env.createSession(model.toByteArray(), so)) {
            for (FloatTensor frame : frames) {
                try (OnnxTensor x = frame.toOnnx(env); OrtSession.Result result = session.run(Map.of(input, x), fetch)) {
                    FloatTensor scores = FloatTensor.of((OnnxTensor) result.get(outputName).orElseThrow());
                    long[] channels = haste ? (long[]) result.get(HasteModelInfo.CHANNELS_OUTPUT).orElseThrow().getValue() : new long[0];
                    runs.add(new Run(scores.data(), channels));
                }
            }
        }
        return runs;
    }

    /** {@code scores} divided by their sum (a probabilities output, as stored in float). */
    static double[] normalised(float[] scores) {
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        double[] p = new double[scores.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = sum > 0 ? scores[i] / sum : 1.0 / p.length;
        }
        return p;
    }

    /** KL(p || q) in nats; terms where p is 0 contribute nothing, q is floored at 1e-12. */
    static double klDivergence(double[] p, double[] q) {
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                kl += p[i] * Math.log(p[i] / Math.max(q[i], 1e-12));
            }
        }
        return kl;
    }
}
