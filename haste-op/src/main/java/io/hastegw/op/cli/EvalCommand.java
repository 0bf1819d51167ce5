package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.EvalPlots;
import io.hastegw.op.eval.EvalReport;
import io.hastegw.op.eval.Evaluator;
import io.hastegw.op.eval.ImageFolder;
import io.hastegw.op.detection.DetectionSet;
import io.hastegw.op.eval.EvalSet;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code haste-op eval}: top-1 (a classifier) or mAP@0.5 and mAP@0.5:0.95 (a detector), MACs and
 * latency of a HASTE model at every level next to its dense original.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a HASTE model at every level against its dense original on a labelled image folder (DIR/<label>/*), "
                + "or for a detector's card on a detection folder (DIR/boxes.json and DIR/images/): top-1, or mAP@0.5 and mAP@0.5:0.95.")
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

    @Option(names = "--images", required = true, description = "image folder, one sub-folder per label; for a detector a folder with "
            + "boxes.json and images/ (../shared/data/detection-scenes/test)")
    Path images;

    @Option(names = "--limit", description = "first N images, interleaved across classes (a detection folder: in file-name order) "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "1000")
    int limit;

    @Option(names = "--score-threshold", description = "detector: decode boxes scoring above this (default: ${DEFAULT-VALUE}, mAP's "
            + "usual floor; the gateway uses the card's, 0.25 unless it names one)", defaultValue = "" + ModelCard.DetectionDefaults.MAP_SCORE_THRESHOLD)
    double scoreThreshold;

    @Option(names = "--iou-threshold", description = "detector: class-aware NMS IoU (default: the card's, 0.5 unless it names one)")
    Double iouThreshold;

    @Option(names = "--max-detections", description = "detector: at most N boxes per image after NMS (default: ${DEFAULT-VALUE})",
            defaultValue = "" + ModelCard.DetectionDefaults.MAP_MAX_DETECTIONS)
    int maxDetections;

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

    @Option(names = "--plots", description = "also write <model>-eval.csv, <model>-accuracy-vs-macs.png, <model>-channels.png and <model>-accountings.png into this folder")
    Path plots;

    @Override
    public Integer call() throws Exception {
        if (plots != null && !chartsAvailable()) {
            throw new IllegalArgumentException("--plots needs XChart, which the gateway's package leaves out; run the haste-op CLI jar "
                    + "(haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar after mvn package) to draw plots");
        }
        ModelCard modelCard = ModelCard.read(card);
        EvalSet set = modelCard.detector() ? detectionSet(modelCard)
                : EvalSet.classification(ImageFolder.stratified(images, modelCard.labels(), limit, seed));
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

    /** The detection folder with this command's decoding settings (each checked as the card's are). */
    private EvalSet detectionSet(ModelCard modelCard) throws java.io.IOException {
        ModelCard.DetectionDefaults decoding = new ModelCard.DetectionDefaults(scoreThreshold,
                iouThreshold == null ? modelCard.output().detection().iouThreshold() : iouThreshold, maxDetections);
        List<String> problems = decoding.problems(key -> "--" + key.replace('_', '-'));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        return EvalSet.detection(DetectionSet.read(images, modelCard.labels(), limit), modelCard, decoding);
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
