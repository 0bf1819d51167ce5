package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteKernel;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.LevelSchedule;
import io.hastegw.op.transform.MergeMode;
import io.hastegw.op.transform.TransformResult;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.schedule.BudgetOptions;
import io.hastegw.op.schedule.BudgetTransform;
import io.hastegw.op.schedule.LayerProbe;
import io.hastegw.op.schedule.ScheduleSearch;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code haste-op transform}: writes the HASTE-enabled version of a model. */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = "Replace every eligible Conv by HASTE; the output model takes an extra int64 input 'haste_level'.")
final class TransformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "input ONNX model")
    Path model;

    @Option(names = "--card", required = true, description = "its JSON model card")
    Path card;

    @Option(names = "--out", required = true, description = "where to write the HASTE model")
    Path out;

    @Mixin
    LevelOptions levelOptions;

    @Option(names = "--schedule", description = "JSON file {\"hyperplanes\": [[L per layer], ...]} (rows = levels) with level 0 all zeros; overrides --levels")
    Path schedule;

    @Option(names = "--seed", description = "hyperplane seed (default: " + HasteOptions.DEFAULT_SEED + ")")
    long seed = HasteOptions.DEFAULT_SEED;

    @Option(names = "--sparsity", description = "probability of a zero hyperplane entry (default: 2/3)")
    double sparsity = HasteOptions.DEFAULT_SPARSITY;

    @Option(names = "--include", split = ",", description = "only these Conv nodes (by name)")
    Set<String> include = Set.of();

    @Option(names = "--exclude", split = ",", description = "never these Conv nodes (by name)")
    Set<String> exclude = Set.of();

    @Option(names = "--kernel", description = "how HASTE layers are written: PORTABLE (standard ONNX operators, any ONNX Runtime) "
            + "or NATIVE (the HasteMerge operator of the native kernel library; needs it registered). Default: ${DEFAULT-VALUE}")
    HasteKernel kernel = HasteKernel.PORTABLE;

    @Option(names = "--keep-first-conv", description = "replace the first Conv too (skipped by default)")
    boolean keepFirstConv;

    @Option(names = "--hash-stride", description = "hash every layer on the pixels of a grid of this stride (1 to 16); "
            + "0 = automatic: 2 where the input map is at least 16x16, else 1. Default: ${DEFAULT-VALUE}")
    int hashStride = 0;

    @Option(names = "--merge", description = "how a bucket's channels are merged: SCALE (scale-aware: each channel as a multiple "
            + "of the bucket's mean, folded into the merged filter) or MEAN (the paper's: mean of the inputs, sum of the filters). "
            + "Default: ${DEFAULT-VALUE}")
    MergeMode merge = HasteOptions.DEFAULT_MERGE;

    @Option(names = "--patch", split = ",", description = "patch-wise HASTE: every layer whose output map this divides into more than one tile "
            + "is hashed and merged tile by tile (tiles of this many output pixels a side, input windows overlapping by the kernel's halo); "
            + "0: whole maps. One size for every HASTE layer, or a comma-separated size per HASTE layer in graph order. Default: 0")
    List<Integer> patch;

    @Option(names = "--budgets", split = ",", arity = "0..1", fallbackValue = "0.95,0.90,0.85,0.80,0.75,0.70,0.65,0.60",
            description = "search a per-layer schedule: one level per budget, the fraction of the dense MACs it may execute "
                    + "(overhead included), decreasing; alone: 0.95,0.90,...,0.60. Overrides --levels and --schedule")
    List<Double> budgets;

    @Option(names = "--candidates", split = ",", description = "L values the budget search tries per layer, decreasing (default: 16,14,13,12,11,10,9,8,7,6)")
    List<Integer> candidates = BudgetOptions.DEFAULT_CANDIDATES;

    @Option(names = "--calibration-images", description = "unlabelled images (any depth; labels are never read) for the budget search; "
            + "default: synthetic frames, data-free")
    Path calibrationImages;

    @Option(names = "--calibration-frames", description = "frames per probe of the budget search (default: ${DEFAULT-VALUE})")
    int calibrationFrames = BudgetOptions.DEFAULT_FRAMES;

    @Option(names = "--threads", description = "intra-op threads of the budget search's probes (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--probes", description = "with --budgets: also write every probe (layer, L, MACs saved, damage) as CSV here")
    Path probes;

    @Override
    public Integer call() throws Exception {
        ModelCard modelCard = ModelCard.read(card);
        var onnx = OnnxModels.read(model);
        Optional<LevelSchedule> explicit = Optional.empty();
        if (schedule != null) {
            try {
                explicit = Optional.of(new ObjectMapper().readValue(schedule.toFile(), LevelSchedule.class));
            } catch (JsonMappingException e) {
                String reason = e.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage() : e.getOriginalMessage();
                throw new IllegalArgumentException(schedule + ": " + reason, e);
            }
        }
        HasteOptions options = new HasteOptions(seed, sparsity, !keepFirstConv, Set.copyOf(include), Set.copyOf(exclude),
                List.copyOf(levelOptions.levels), explicit, true, kernel, hashStride, merge, patch == null ? List.of() : patch);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        PrintWriter stdout = spec.commandLine().getOut();
        TransformResult result;
        if (budgets != null) {
            result = searched(env, onnx, modelCard, options, stdout);
        } else {
            result = new HasteTransformer(env).transform(onnx, InputShape.batchOne(onnx, modelCard), options);
        }
        result.decisions().forEach(stdout::println);
        result.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        OnnxModels.write(result.model(), out);
        stdout.println("wrote " + out + (result.info() == null ? " (unchanged)"
                : " (" + result.info().hasteLayers().size() + " HASTE layers, levels 0.." + (result.info().schedule().levels() - 1) + ")"));
        return 0;
    }

    /** The model transformed with a schedule searched for {@link #budgets}; prints what the search predicts per level. */
    private TransformResult searched(OrtEnvironment env, ModelProto onnx, ModelCard modelCard, HasteOptions options, PrintWriter stdout)
            throws Exception {
        BudgetOptions budget = new BudgetOptions(budgets, candidates, calibrationFrames);
        List<FloatTensor> frames = calibrationImages == null ? CalibrationInputs.synthetic(modelCard, calibrationFrames)
                : CalibrationInputs.fromFolder(calibrationImages, modelCard, calibrationFrames);
        String source = calibrationImages == null ? "synthetic frames (data-free)" : "unlabelled frames from " + calibrationImages;
        RuntimeOptions runtime = RuntimeOptions.of(threads);
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), System.console() != null, "budget search", "probes");
        BudgetTransform.Outcome outcome = new BudgetTransform(env, runtime, new ScheduleSearch(env, runtime, progress))
                .transform(onnx, InputShape.batchOne(onnx, modelCard), options, modelCard, frames, source, budget);
        if (outcome.search() != null) {
            ScheduleSearch.Result found = outcome.search();
            stdout.println("schedule " + outcome.transform().info().scheduleOrigin() + ":");
            for (int level = 1; level < found.schedule().levels(); level++) {
                int[] row = found.schedule().hyperplanes()[level];
                stdout.printf(Locale.ROOT, "  level %d (budget %.2f): predicted %.1f %% of dense MACs, damage %.4f; L per layer: %s%n", level,
                        budgets.get(level - 1), 100 * found.predicted()[level], found.damage()[level],
                        Arrays.stream(row).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
            }
            if (probes != null) {
                StringBuilder csv = new StringBuilder("layer,name,hyperplanes,macs_saved,damage\n");
                for (LayerProbe p : found.probes()) {
                    csv.append(String.format(Locale.ROOT, "%d,%s,%d,%.0f,%.6f%n", p.layer(),
                            outcome.transform().info().hasteLayers().get(p.layer()).name(), p.planes(), p.saving(), p.damage()));
                }
                java.nio.file.Files.writeString(probes, csv);
            }
        }
        return outcome.transform();
    }
}
