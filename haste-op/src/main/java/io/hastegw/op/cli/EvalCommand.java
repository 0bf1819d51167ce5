package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.EvalPlots;
import io.hastegw.op.eval.EvalReport;
import io.hastegw.op.eval.Evaluator;
import io.hastegw.op.eval.ImageFolder;
import io.hastegw.op.eval.LabelledImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code haste-op eval}: top-1, MACs and latency of a HASTE model at every level next to its dense original. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a HASTE model at every level against its dense original on a labelled image folder (DIR/<label>/*).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dense", required = true, description = "the original ONNX model")
    Path dense;

    @Option(names = "--haste", required = true, description = "the HASTE model made from it")
    Path haste;

    @Option(names = "--compare", description = "another HASTE model of the same dense model (e.g. the paper's merge with uniform L), "
            + "evaluated in the same run as its own curve; repeatable")
    List<Path> compare = List.of();

    @Option(names = "--card", required = true, description = "the model card")
    Path card;

    @Option(names = "--images", required = true, description = "image folder, one sub-folder per label")
    Path images;

    @Option(names = "--limit", description = "first N images, interleaved across classes (default: ${DEFAULT-VALUE})", defaultValue = "1000")
    int limit;

    @Option(names = "--seed", description = "take a random stratified subset of --limit images (each class's files shuffled with this seed) "
            + "instead of each class's first files")
    Long seed;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int threads;

    @Option(names = "--warmup", description = "warm-up images (default: ${DEFAULT-VALUE})", defaultValue = "20")
    int warmup;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also evaluate static L1-norm pruning and random merging at every level's channel counts (default: on; --no-baselines)")
    boolean baselines;

    @Option(names = "--json", description = "also write the report as JSON here")
    Path json;

    @Option(names = "--plots", description = "also write <model>-eval.csv, <model>-accuracy-vs-macs.png and <model>-channels.png into this folder")
    Path plots;

    @Override
    public Integer call() throws Exception {
        if (plots != null && !chartsAvailable()) {
            throw new IllegalArgumentException("--plots needs XChart, which the gateway's package leaves out; run the haste-op CLI jar "
                    + "(haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar after mvn package) to draw plots");
        }
        ModelCard modelCard = ModelCard.read(card);
        List<LabelledImage> set = ImageFolder.stratified(images, modelCard.labels(), limit, seed);
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), System.console() != null, "eval: dense and every level", "images");
        EvalReport report = new Evaluator(OrtEnvironment.getEnvironment(), threads, warmup, progress, baselines).evaluate(dense, haste, compare, modelCard, set);
        spec.commandLine().getOut().print(report.table());
        if (json != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report);
        }
        if (plots != null) {
            for (Path file : EvalPlots.write(report, plots)) {
                spec.commandLine().getOut().println("wrote " + file);
            }
        }
        return 0;
    }

    /** Whether the charting library is on the class path (the CLI jar has it; the gateway's jar does not). */
    private static boolean chartsAvailable() {
        try {
            Class.forName("org.knowm.xchart.XYChart", false, EvalCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
