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
import io.hastegw.op.transform.TransformResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    @Option(names = "--levels", split = ",", description = "hyperplanes L for levels 1..N, same for every layer (default: 16,14,13,12,11,10,9,8)")
    List<Integer> levels = LevelSchedule.DEFAULT_LEVELS;

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
                List.copyOf(levels), explicit, true, kernel);
        TransformResult result = new HasteTransformer(OrtEnvironment.getEnvironment())
                .transform(onnx, InputShape.batchOne(onnx, modelCard), options);
        PrintWriter stdout = spec.commandLine().getOut();
        result.decisions().forEach(stdout::println);
        result.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        OnnxModels.write(result.model(), out);
        stdout.println("wrote " + out + (result.info() == null ? " (unchanged)"
                : " (" + result.info().hasteLayers().size() + " HASTE layers, levels 0.." + (result.info().schedule().levels() - 1) + ")"));
        return 0;
    }
}
