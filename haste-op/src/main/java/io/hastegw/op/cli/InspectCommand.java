package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.analysis.ModelAnalysis;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.cost.CostCache;
import io.hastegw.op.cost.CostPlans;
import io.hastegw.op.cost.CostTable;
import io.hastegw.op.cost.SystemLoad;
import io.hastegw.op.cost.Device;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TransformResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** {@code haste-op inspect}: layers, shapes, dense MACs, HASTE status and the level schedule of a model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print layers, shapes, dense MACs, which convs are HASTE-enabled (and why others are not) and the level schedule.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "ONNX model (plain or HASTE)")
    Path model;

    @Option(names = "--card", description = "model card (needed when the input has symbolic sizes; with --calibrate, for the images)")
    Path card;

    @Mixin
    CostPlanOptions plan;



    @Option(names = "--calibrate", description = "measure the cost plan when none is cached for this device (needs --card)")
    boolean calibrate;

    @Option(names = "--images", description = "with --calibrate: real images to calibrate on (default: synthetic images)")
    Path images;

    @Override
    public Integer call() throws Exception {
        ModelProto onnx = OnnxModels.read(model);
        ModelCard modelCard = card == null ? null : ModelCard.read(card);
        var info = HasteModelInfo.of(onnx);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "model %s (opset %d, %d nodes)%n", model, OnnxModels.defaultOpset(onnx), onnx.getGraph().getNodeCount());
        if (info.isPresent()) {
            printHaste(out, info.get());
            printCostPlan(out, model, modelCard, plan, images, calibrate ? Measure.IF_NEEDED : Measure.NEVER);
        } else {
            printPlain(out, onnx, modelCard);
        }
        return 0;
    }

    private static void printPlain(PrintWriter out, ModelProto onnx, ModelCard card) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = InputShape.batchOne(onnx, card);
        TransformResult preview = new HasteTransformer(env).transform(onnx, shape, HasteOptions.defaults());
        // The transformer already probed the shapes; probe again only when it replaced nothing.
        List<LayerInfo> layers = preview.info() != null ? preview.info().computeLayers()
                : ModelAnalysis.layers(env, onnx, OrtModels.realInputs(onnx).get(0), shape);
        Map<String, String> status = new HashMap<>();
        preview.decisions().forEach(d -> status.put(d.substring(0, d.lastIndexOf(": ")), d.substring(d.lastIndexOf(": ") + 2)));
        out.println("plain model; status = what 'haste-op transform' with default options would do");
        printLayers(out, layers, status);
        printDenseTotal(out, layers);
    }

    private static void printHaste(PrintWriter out, HasteModelInfo info) {
        out.printf(Locale.ROOT, "HASTE model: input %s %s, seed %d, sparsity %.4f, %d HASTE layers, levels 0..%d%n",
                info.inputName(), Arrays.toString(info.inputShape()), info.seed(), info.sparsity(), info.hasteLayers().size(),
                info.schedule().levels() - 1);
        Map<String, String> status = new HashMap<>();
        info.computeLayers().forEach(l -> status.put(l.name(), l.opType().equals("Conv") ? "dense" : "dense (Gemm)"));
        for (int i = 0; i < info.hasteLayers().size(); i++) {
            status.put(info.hasteLayers().get(i).name(), "HASTE #" + i);
        }
        printLayers(out, info.computeLayers(), status);
        printDenseTotal(out, info.computeLayers());
        out.printf(Locale.ROOT, "merge: %s; hash stride per HASTE layer: %s%n", info.merge().name().toLowerCase(Locale.ROOT),
                info.hasteLayers().stream().map(h -> Integer.toString(h.hashStride())).collect(Collectors.joining(" ")));
        if (info.hasteLayers().stream().anyMatch(h -> h.patch() > 0)) {
            out.printf(Locale.ROOT, "patches per HASTE layer (tile side in output pixels; 0 = whole map): %s%n",
                    info.hasteLayers().stream().map(h -> Integer.toString(h.patch())).collect(Collectors.joining(" ")));
        }
        out.println("level schedule (hyperplanes L per HASTE layer; 0 = dense)"
                + (info.scheduleOrigin() == null ? ":" : ", " + info.scheduleOrigin() + ":"));
        for (int level = 0; level < info.schedule().levels(); level++) {
            int[] row = info.schedule().hyperplanes()[level];
            out.printf(Locale.ROOT, "  level %d: %s%n", level, Arrays.stream(row).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        }
    }

    /** When {@link #printCostPlan} measures a plan. */
    enum Measure {
        /** Only show a cached plan. */
        NEVER,
        /** When none is cached, or the cached one was measured under load and the machine is quieter now. */
        IF_NEEDED,
        /** Always. */
        ALWAYS
    }

    /**
     * The cost plan of {@code model} on this device, from the cache or measured as {@code measure}
     * says ({@code inspect --calibrate}, {@code calibrate}), stored, and printed per level and layer.
     */
    static void printCostPlan(PrintWriter out, Path model, ModelCard modelCard, CostPlanOptions which, Path images,
                              Measure measure) throws Exception {
        Path costCache = which.costCache;
        int threads = which.threads;
        boolean streamReuse = which.streamReuse;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        CostCache cache = new CostCache(costCache != null ? costCache : CostCache.defaultDir());
        RuntimeOptions options = streamReuse ? RuntimeOptions.of(threads).withStreamReuse() : RuntimeOptions.of(threads);
        Optional<CostPlans.Plan> plan;
        try (HasteSession session = new HasteSession(env, model, modelCard == null ? "" : modelCard.output().name(), options)) {
            if (measure != Measure.NEVER) {
                if (modelCard == null) {
                    throw new IllegalArgumentException("calibrating needs --card (to prepare the calibration images)");
                }
                plan = Optional.of(CostPlans.load(env, model, session, options, cache, new CostPlans.Calibration(() -> images == null
                        ? CalibrationInputs.synthetic(modelCard, 4) : CalibrationInputs.fromFolder(images, modelCard, 4),
                        measure == Measure.ALWAYS, SystemLoad::perCore)));
            } else {
                Device device = Device.current(env.getVersion(), threads, options.planKernel(session.kernel()));
                String sha = CostCache.sha256(model);
                plan = cache.find(sha, device).map(t -> new CostPlans.Plan(t, cache.file(sha, device), false, null));
            }
        }
        if (plan.isEmpty()) {
            out.printf(Locale.ROOT, "cost plan: none cached in %s for this device and %d thread(s); measure one with --calibrate --card%n",
                    cache.dir(), threads);
            return;
        }
        CostTable t = plan.get().table();
        out.printf(Locale.ROOT, "cost plan %s%n  device: %s%n  dense model %.3f ms; per level (H = HASTE, . = dense; layers in order):%n",
                plan.get().summary(), t.device(), t.denseModelMillis());
        for (int level = 0; level < t.levelDense().length; level++) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < t.layers().length; i++) {
                row.append(!t.levelDense()[level] && t.haste()[level][i] ? 'H' : '.');
            }
            out.printf(Locale.ROOT, "  level %d: %s  %s, %.3f ms measured%n", level, row,
                    t.levelDense()[level] ? "runs the dense model" : "runs " + t.hasteLayers(level) + " HASTE layers", t.levelMillis()[level]);
        }
        out.println("  per layer: dense us | HASTE us at levels 1..N (the layer alone, median):");
        for (int i = 0; i < t.layers().length; i++) {
            StringBuilder row = new StringBuilder();
            for (int level = 1; level < t.levelDense().length; level++) {
                row.append(String.format(Locale.ROOT, " %.0f", t.hasteMicros()[level][i]));
            }
            out.printf(Locale.ROOT, "  %-34s %.0f |%s%n", t.layers()[i], t.denseMicros()[i], row);
        }
    }

    private static void printLayers(PrintWriter out, List<LayerInfo> layers, Map<String, String> status) {
        out.printf(Locale.ROOT, "%-34s %-5s %-16s %-16s %-16s %12s  %s%n", "layer", "op", "input", "weight", "output", "dense MACs", "status");
        for (LayerInfo l : layers) {
            out.printf(Locale.ROOT, "%-34s %-5s %-16s %-16s %-16s %,12d  %s%n", l.name(), l.opType(), dims(l.inputShape()),
                    dims(l.weightShape()), dims(l.outputShape()), l.denseMacs(), status.getOrDefault(l.name(), "dense (Gemm)"));
        }
    }

    private static void printDenseTotal(PrintWriter out, List<LayerInfo> layers) {
        long dense = MacsAccount.dense(layers).denseTotal();
        out.printf(Locale.ROOT, "dense MACs total: %,d (%.2f M)%n", dense, dense / 1e6);
    }

    private static String dims(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }
}
