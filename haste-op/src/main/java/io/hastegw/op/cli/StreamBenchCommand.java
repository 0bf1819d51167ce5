package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.bench.DetectionClips;
import io.hastegw.op.bench.StreamBenchmark;
import io.hastegw.op.bench.StreamClips;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CostCache;
import io.hastegw.op.cost.CostCalibrator;
import io.hastegw.op.cost.CostTable;
import io.hastegw.op.eval.ImageFolder;
import io.hastegw.op.eval.LabelledImage;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.ReusePolicy;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TransformResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code haste-op stream-bench}: HASTE with stream reuse against per-frame HASTE and dense, on camera-like clips. */
@Command(name = "stream-bench", mixinStandardHelpOptions = true,
        description = "Run camera-like clips (real images under jitter, exposure drift and sensor noise, with scene cuts; for a "
                + "detector the clips of a folder 'haste-op scenes --clips' wrote) through dense ONNX Runtime, per-frame HASTE, HASTE "
                + "reusing a camera's buckets and merged filters, and that with a cost plan measured for reuse (what the gateway runs), "
                + "clip by clip in turn, 1 intra-op thread; report top-1 (a detector: mAP@0.5), reuse, refreshes, time and MACs per level.")
final class StreamBenchCommand implements Callable<Integer> {
    /** Frames the cost plan for stream reuse is calibrated on (the first frame of the first clips). */
    private static final int CALIBRATION_FRAMES = 4;

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    BenchCommand.Source source;

    @Option(names = "--images", required = true, description = "folder of real images, one sub-folder per class; for a detector's card a "
            + "clip folder (boxes.json, images/<camera>/cCCC-fFFF.jpg) as 'haste-op scenes --clips' writes")
    Path images;

    @Option(names = "--clips", defaultValue = "40", description = "clips (scenes) in the stream; of a clip folder, its first clips "
            + "(default: ${DEFAULT-VALUE})")
    int clips;

    @Option(names = "--clip-frames", defaultValue = "30", description = "frames per clip (default: ${DEFAULT-VALUE})")
    int clipFrames;

    @Option(names = "--seed", defaultValue = "11", description = "seed of the images' choice and the clips' jitter, drift and noise")
    long seed;

    @Mixin
    LevelOptions levelOptions;

    @Option(names = "--run-levels", split = ",", description = "levels to measure (default: every level above 0)")
    List<Integer> runLevels;

    @Option(names = "--refresh-every", defaultValue = "30", description = "refresh at the latest every N frames (default: ${DEFAULT-VALUE})")
    int refreshEvery;

    @Option(names = "--drift-threshold", defaultValue = "0.25", description = "frame signature distance that refreshes (default: ${DEFAULT-VALUE})")
    double driftThreshold;

    @Option(names = "--warmup", defaultValue = "10", description = "frames run in every mode before timing a level (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--breakdown-level", description = "level of the per-layer MACs table (default: the first measured)")
    Integer breakdownLevel;

    @Option(names = "--cameras", defaultValue = "16", description = "cameras the memory figure is stated for (default: ${DEFAULT-VALUE})")
    int cameras;

    @Mixin
    ReportOptions reportOptions;

    @Override
    public Integer call() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        BenchCommand.Loaded loaded = source.load();
        ModelProto original = loaded.original();
        ModelCard card = loaded.card();
        boolean randomWeights = loaded.randomWeights();
        String origin = loaded.origin() + (randomWeights ? "; top-1 here is agreement with dense" : "");
        Path dir = Files.createTempDirectory("haste-stream-bench");
        try {
            Path file;
            String schedule;
            if (source.file != null && source.file.haste != null) {
                file = source.file.haste;
                HasteModelInfo info = HasteModelInfo.of(OnnxModels.read(file)).orElseThrow(() -> new IllegalArgumentException(
                        file + ": not a HASTE model (no 'haste' metadata); create one with haste-op transform"));
                schedule = file + " (" + info.describe() + ")";
            } else {
                TransformResult t = new HasteTransformer(env).transform(original, InputShape.batchOne(original, card),
                        HasteOptions.defaults().withLevels(levelOptions.levels));
                if (t.info() == null) {
                    throw new IllegalArgumentException("the model has no convolution HASTE can replace");
                }
                file = dir.resolve("haste.onnx");
                OnnxModels.write(t.model(), file);
                schedule = "L = " + levelOptions.levels + " for levels 1.." + levelOptions.levels.size() + " (" + t.info().describe() + ")";
            }
            return run(env, file, card, origin, schedule, randomWeights);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** What a report measures: the model's card, where it came from, its HASTE schedule. */
    private record Subject(ModelCard card, String origin, String schedule) {}

    private int run(OrtEnvironment env, Path file, ModelCard card, String origin, String schedule, boolean randomWeights) throws Exception {
        StreamClips.Clips stream = card.detector() ? DetectionClips.load(images, card, clips) : synthetic(card, randomWeights);
        List<StreamClips.Frame> frames = stream.frames();
        RuntimeOptions reuse = RuntimeOptions.of(1).withStreamReuse();
        try (HasteSession session = new HasteSession(env, file, card.output().name(), RuntimeOptions.of(1))) {
            CostTable plan = new CostCalibrator(env, 3, CostCalibrator.DEFAULT_MARGIN).calibrate(session, CostCache.sha256(file), reuse,
                    frames.stream().filter(f -> f.index() == 0).limit(CALIBRATION_FRAMES).map(StreamClips.Frame::input).toList());
            try (HasteSession planned = new HasteSession(env, file, card.output().name(), reuse.withPlan(plan))) {
                measure(env, session, planned, plan, stream, new Subject(card, origin, schedule));
            }
        }
        return 0;
    }

    /** Clips made from the labelled images of {@link #images}, scored by top-1 (or by agreement with dense, random weights). */
    private StreamClips.Clips synthetic(ModelCard card, boolean randomWeights) throws java.io.IOException {
        List<String> folders;
        try (Stream<Path> s = Files.list(images)) {
            folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<LabelledImage> chosen = ImageFolder.stratified(images, randomWeights ? folders : card.labels(), clips, seed);
        return StreamClips.build(chosen, clips, clipFrames, new Preprocessor(card), seed, randomWeights);
    }

    /** How the clips were made, in words. */
    private String clipsMade(ModelCard card, List<StreamClips.Frame> frames) {
        int count = frames.get(frames.size() - 1).clip() + 1;
        if (card.detector()) {
            return String.format(Locale.ROOT, "%d clips, %d frames, from %s (made by haste-op scenes --clips: objects moving, light drifting, "
                    + "sensor noise, a scene cut between clips)", count, frames.size(), images);
        }
        return String.format(Locale.ROOT, "%d clips x %d frames from %s (scene cut between clips; per frame: shift up to %d px, gain 1 +- %.2f, "
                + "offset +- %.0f grey levels, noise sigma %.1f)", count, clipFrames, images, StreamClips.MAX_SHIFT, StreamClips.MAX_GAIN_DRIFT,
                StreamClips.MAX_OFFSET, StreamClips.NOISE);
    }

    /** Measures every level asked for on the clips and prints (and writes) the report. */
    private void measure(OrtEnvironment env, HasteSession session, HasteSession planned, CostTable plan, StreamClips.Clips stream,
                         Subject subject) throws Exception {
        ReusePolicy policy = new ReusePolicy(refreshEvery, driftThreshold, Duration.ofSeconds(10));
        PrintWriter stdout = spec.commandLine().getOut();
        ModelCard card = subject.card();
        List<StreamClips.Frame> frames = stream.frames();
        int top = session.info().schedule().levels() - 1;
        List<Integer> measure = runLevels != null ? runLevels : IntStream.rangeClosed(1, top).boxed().toList();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "## haste-op stream-bench: %s%n%nmodel: %s; HASTE: %s; kernel %s; %s; reuse: refresh every %d frames at the latest or on "
                        + "a signature distance above %.3f; ONNX Runtime %s; 1 intra-op thread; %d cores%n%n",
                card.name(), subject.origin(), subject.schedule(), session.kernel(), clipsMade(card, frames), refreshEvery, driftThreshold, env.getVersion(),
                Runtime.getRuntime().availableProcessors()));
        report.append(StreamBenchmark.signatureDistances(frames, driftThreshold)).append('\n');
        stdout.print(report);
        stdout.flush();
        StreamBenchmark bench = new StreamBenchmark(session, planned, policy, warmup);
        List<StreamBenchmark.LevelResult> results = new ArrayList<>();
        for (int level : measure) {
            StreamBenchmark.LevelResult r = bench.run(stream, level);
            results.add(r);
            stdout.printf(Locale.ROOT, "level %d: reuse %.3f ms, reuse + cost plan %.3f ms, per-frame %.3f ms, dense %.3f ms%n", level, r.msReuse(),
                    r.msPlanned(), r.msFrame(), r.msDense());
            stdout.flush();
        }
        report.append(StreamBenchmark.table(results, stream.name())).append('\n');
        int focus = breakdownLevel != null ? breakdownLevel : measure.get(0);
        results.stream().filter(r -> r.level() == focus).findFirst().ifPresent(r -> report.append(String.format(Locale.ROOT,
                "per HASTE layer at level %d (means per frame):%n%n%s%n%s%nstate per camera at level %d: %.2f MB of native memory (merged "
                        + "filters and buckets); %d cameras: %.1f MB%n", focus, StreamBenchmark.layerTable(r), StreamBenchmark.layerTimes(plan, focus),
                focus, r.stateBytes() / 1e6, cameras, cameras * r.stateBytes() / 1e6)));
        stdout.println();
        stdout.print(report.substring(report.indexOf("| level")));
        stdout.flush();
        reportOptions.write(report);
    }
}
