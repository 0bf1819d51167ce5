package io.hastegw.op.eval;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.hastegw.op.accounting.MacsBreakdown;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of an {@link Evaluator} run.
 *
 * @param model     model name (from its card)
 * @param images    number of images
 * @param threads   ONNX Runtime intra-op threads
 * @param denseMacs MACs of the dense model per image
 * @param denseConvMacs MACs of the dense model's convolutions per image (the paper's accounting counts these only)
 * @param rows      the dense model first, then HASTE level 0..N
 * @param baselines the static baselines at each level's channel counts (empty when not run)
 * @param layerChannels input channels of each HASTE layer of the dense model, in the order of {@link Row#meanChannels()}
 * @param label     the HASTE model's method in a few words ({@code HasteModelInfo.describe})
 * @param compared  further HASTE models of the same dense model (e.g. the paper's merge), run in the same pass
 */
public record EvalReport(String model, int images, int threads, long denseMacs, long denseConvMacs, List<Row> rows, List<BaselineRow> baselines,
                         int[] layerChannels, String label, List<Curve> compared) {

    /**
     * Another HASTE model's levels.
     *
     * @param label  its method in a few words
     * @param levels its rows, level 0..N
     */
    public record Curve(String label, List<Row> levels) {}

    /**
     * A static baseline (see {@link Baselines}) at the per-layer channel counts HASTE convolved on
     * average at one level.
     *
     * @param method    {@code l1-prune} or {@code random-merge}
     * @param level     the HASTE level whose channel counts it keeps
     * @param quality   top-1 or mAP (in JSON: its fields beside the others)
     * @param macs      MACs per image (for random merging with its input merge)
     * @param reduction MACs reduction against the dense model
     */
    public record BaselineRow(String method, int level, @JsonUnwrapped Quality quality, double macs, double reduction) {}

    /**
     * One configuration.
     *
     * @param config         "dense" or the level
     * @param minHyperplanes smallest L over the HASTE layers at this level (0 = dense layer)
     * @param maxHyperplanes largest L
     * @param quality        top-1 or mAP (in JSON: {@code top1}, or {@code map50} and {@code map50_95}, beside the others)
     * @param meanMacs       mean MACs executed per image, HASTE overhead included, as executed here (with the native
     *                       kernel's NCHWc padding where it runs; {@link #exactMacs()} without it)
     * @param reduction      mean MACs reduction against the dense model, overhead included, on exact merged channel counts
     *                       (the method's; what boards without NCHWc execute)
     * @param nchwcReduction the same as executed here, merged channels padded to whole NCHWc blocks where the native kernel
     *                       uses them (equal to {@code reduction} elsewhere)
     * @param medianMs       median latency per image (ms)
     * @param p10Ms          10th percentile latency
     * @param p90Ms          90th percentile latency
     * @param vsDense        median latency divided by the dense model's median (same run)
     * @param meanChannels   mean channels convolved per HASTE layer
     * @param macsTerms      mean MACs per image by where they went (merged away, NCHWc padding, each overhead)
     */
    public record Row(String config, int minHyperplanes, int maxHyperplanes, @JsonUnwrapped Quality quality, double meanMacs,
                      double reduction, double nchwcReduction, double medianMs, double p10Ms, double p90Ms, double vsDense,
                      double[] meanChannels, MacsBreakdown macsTerms) {
        /** Mean MACs per image on exact merged channel counts (no NCHWc padding): the method's, as boards without NCHWc run it. */
        public double exactMacs() {
            return meanMacs - macsTerms.padding();
        }
    }

    /** A fixed-width table for the terminal and for notes. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d images, batch 1, %d intra-op thread(s), dense %.2f M MACs%n",
                model, images, threads, denseMacs / 1e6));
        sb.append(String.format(Locale.ROOT, "MACs and reduction on exact merged channel counts, HASTE's overhead included; NCHWc: the "
                + "reduction as executed here, merged channels padded to whole NCHWc blocks%n"));
        double denseTop1 = rows.get(0).quality().primary();
        sb.append(String.format(Locale.ROOT, "HASTE: %s%n", label));
        rowTable(sb, rows, denseTop1);
        for (Curve c : compared) {
            sb.append(String.format(Locale.ROOT, "%ncompared, in the same run: %s%n", c.label()));
            rowTable(sb, c.levels(), denseTop1);
        }
        sb.append(String.format(Locale.ROOT, "%nwhere the MACs go, percent of the dense model's (mean per image):%n"));
        sb.append(String.format(Locale.ROOT, "%-6s %12s %13s %9s %12s %13s %9s%n", "level", "merged away", "NCHWc padding", "hashing",
                "input merge", "filter merge", "net"));
        for (Row r : rows.subList(1, rows.size())) {
            MacsBreakdown t = r.macsTerms();
            sb.append(String.format(Locale.ROOT, "%-6s %11.2f%% %12.2f%% %8.2f%% %11.2f%% %12.2f%% %8.2f%%%n", r.config(), pct(t.mergedAway()),
                    pct(t.padding()), pct(t.hashing()), pct(t.inputMerge()), pct(t.filterMerge()), pct(t.net())));
        }
        if (!baselines.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nstatic baselines at each level's mean channel counts (no data, no fine-tuning):%n"));
            sb.append(String.format(Locale.ROOT, "%-13s %-5s %8s %8s%s %11s %10s%n", "method", "level", primaryName(), "delta",
                    detector() ? String.format(Locale.ROOT, " %12s", "mAP@.5:.95") : "", "MACs (M)", "reduction"));
            for (BaselineRow b : baselines) {
                sb.append(String.format(Locale.ROOT, "%-13s %-5d %7.2f%% %+7.2f%s %11.2f %9.2f%%%n", b.method(), b.level(), b.quality().primary(),
                        b.quality().primary() - denseTop1, secondary(b.quality()), b.macs() / 1e6, 100 * b.reduction()));
            }
        }
        paperTable(sb);
        return sb.toString();
    }

    /** Each curve's levels counted the paper's probable way beside ours ({@link PaperAccounting}). */
    private void paperTable(StringBuilder sb) {
        sb.append(String.format(Locale.ROOT, "%nthe paper's accounting (convolutions only) beside ours (everything), percent fewer MACs than dense:%n"));
        sb.append(String.format(Locale.ROOT, "%-9s %-6s %-7s %8s %17s %19s %16s %13s%n", "curve", "level", "L", "delta", "conv, merging",
                "conv, - hashing", "ours: all", "ours: NCHWc"));
        double denseTop1 = rows.get(0).quality().primary();
        List<List<Row>> curves = new java.util.ArrayList<>(List.of(rows.subList(1, rows.size())));
        compared.forEach(c -> curves.add(c.levels()));
        for (int i = 0; i < curves.size(); i++) {
            for (Row r : curves.get(i)) {
                PaperAccounting a = PaperAccounting.of(r, denseConvMacs);
                sb.append(String.format(Locale.ROOT, "%-9s %-6s %-7s %+7.2f %16.2f%% %18.2f%% %15.2f%% %12.2f%%%n", i == 0 ? "HASTE" : "compared" + i,
                        r.config(), hyperplanes(r), r.quality().primary() - denseTop1, 100 * a.convMerging(), 100 * a.convMinusHashing(),
                        100 * a.ours(), 100 * a.oursExecuted()));
            }
        }
    }

    /** A row's L: one value, or the range over its layers ("-" for dense). */
    private static String hyperplanes(Row r) {
        return r.config().equals("dense") ? "-" : r.minHyperplanes() == r.maxHyperplanes()
                ? Integer.toString(r.maxHyperplanes()) : r.minHyperplanes() + "-" + r.maxHyperplanes();
    }

    private void rowTable(StringBuilder sb, List<Row> table, double denseTop1) {
        sb.append(String.format(Locale.ROOT, "%-6s %-7s %8s %8s%s %11s %10s %8s %22s %9s%n", "config", "L", primaryName(), "delta",
                detector() ? String.format(Locale.ROOT, " %12s", "mAP@.5:.95") : "", "MACs (M)", "reduction", "NCHWc", "latency ms med [p10-p90]",
                "vs dense"));
        for (Row r : table) {
            String l = hyperplanes(r);
            sb.append(String.format(Locale.ROOT, "%-6s %-7s %7.2f%% %+7.2f%s %11.2f %9.2f%% %7.2f%% %8.3f [%5.3f-%5.3f] %8.2fx%n",
                    r.config(), l, r.quality().primary(), r.quality().primary() - denseTop1, secondary(r.quality()), r.exactMacs() / 1e6,
                    100 * r.reduction(), 100 * r.nchwcReduction(), r.medianMs(), r.p10Ms(), r.p90Ms(), r.vsDense()));
        }
    }

    /** Whether the rows are a detector's (mAP). */
    private boolean detector() {
        return rows.get(0).quality().top1() == null;
    }

    private String primaryName() {
        return rows.get(0).quality().primaryName();
    }

    /** A detector's mAP@0.5:0.95 column, nothing for a classifier. */
    private static String secondary(Quality q) {
        return q.map50to95() == null ? "" : String.format(Locale.ROOT, " %11.2f%%", q.map50to95());
    }

    private double pct(double macs) {
        return 100 * macs / denseMacs;
    }
}
