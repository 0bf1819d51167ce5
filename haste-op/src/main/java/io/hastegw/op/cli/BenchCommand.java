package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.bench.Benchmark;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CostCache;
import io.hastegw.op.eval.ImageFolder;
import io.hastegw.op.eval.LabelledImage;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.models.ImageNetResNets;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import io.hastegw.op.transform.TransformResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code haste-op bench}: wall-clock time of dense ONNX Runtime against HASTE, portable and native, at every level. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a model dense and with HASTE (portable graph, native kernel, native kernel with the calibrated "
                + "cost plan) at every level, batch 1, in one process on the same real images, interleaved after a warm-up.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The model to time: a file with its card, or one of the built-in ImageNet-shaped ResNets. */
    static final class Source {
        @ArgGroup(exclusive = false)
        FileModel file;

        @Option(names = "--builtin", description = "RESNET18 or RESNET50: ImageNet-shaped, 224x224, random weights (timing only)")
        ImageNetResNets.Depth builtin;

        /** The original model, its card and how to name it in a report. */
        Loaded load() throws Exception {
            if (builtin != null) {
                ModelCard card = ImageNetResNets.card(builtin);
                return new Loaded(ImageNetResNets.build(builtin, 7), card,
                        card.name() + " (built with random weights, seed 7: timing only, its accuracy means nothing)", true);
            }
            return new Loaded(OnnxModels.read(file.model), ModelCard.read(file.card), file.model.toString(), false);
        }
    }

    /**
     * A model to measure.
     *
     * @param original      the original (dense) model
     * @param card          its card
     * @param origin        how a report names it
     * @param randomWeights whether it is a built-in model with random weights (its accuracy means nothing)
     */
    record Loaded(ModelProto original, ModelCard card, String origin, boolean randomWeights) {}

    /** A model file and its card. */
    static final class FileModel {
        @Option(names = "--model", required = true, description = "the original (dense) ONNX model")
        Path model;

        @Option(names = "--card", required = true, description = "its model card")
        Path card;

        @Option(names = "--haste", description = "time this HASTE model of it (e.g. made with transform --budgets) instead of "
                + "transforming it with --levels")
        Path haste;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(names = "--images", required = true, description = "folder of real images (sub-folders are read in turn)")
    Path images;

    @Option(names = "--limit", defaultValue = "30", description = "images timed (default: ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    LevelOptions levelOptions;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "intra-op thread counts to run (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up images per configuration (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--calibration-images", defaultValue = "4", description = "images the cost model is calibrated on (default: ${DEFAULT-VALUE})")
    int calibrationImages;

    @Option(names = "--breakdown-level", defaultValue = "4", description = "level of the per-layer breakdown (default: ${DEFAULT-VALUE})")
    int breakdownLevel;

    @Option(names = "--work", description = "folder for the HASTE model (default: a temporary folder)")
    Path work;

    @Mixin
    ReportOptions reportOptions;

    @Override
    public Integer call() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Loaded loaded = source.load();
        ModelProto original = loaded.original();
        ModelCard card = loaded.card();
        String origin = loaded.origin();
        // Without --work, the transformed model lives in a temporary folder removed when the bench ends.
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("haste-bench");
        try {
            return bench(env, original, card, origin, dir);
        } finally {
            if (work == null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    private int bench(OrtEnvironment env, ModelProto original, ModelCard card, String origin, Path dir) throws Exception {
        Path file;
        HasteModelInfo info;
        String schedule;
        if (source.file != null && source.file.haste != null) {
            file = source.file.haste;
            info = HasteModelInfo.of(OnnxModels.read(file)).orElseThrow(() -> new IllegalArgumentException(
                    source.file.haste + ": not a HASTE model (no 'haste' metadata); create one with haste-op transform"));
            schedule = String.format(Locale.ROOT, "%s, levels 1..%d (%s)", file, info.schedule().levels() - 1, info.describe());
        } else {
            TransformResult t = new HasteTransformer(env).transform(original, InputShape.batchOne(original, card),
                    HasteOptions.defaults().withLevels(levelOptions.levels));
            if (t.info() == null) {
                throw new IllegalArgumentException("the model has no convolution HASTE can replace");
            }
            file = dir.resolve(card.name() + "-haste.onnx");
            OnnxModels.write(t.model(), file);
            info = t.info();
            schedule = String.format(Locale.ROOT, "levels 1..%d with L = %s", levelOptions.levels.size(), levelOptions.levels);
        }
        List<FloatTensor> inputs = inputs(card);
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "## haste-op bench: %s%n%nmodel: %s; %d HASTE layers; %s; images: %s (%d); ONNX Runtime %s; %d cores%n%n",
                card.name(), origin, info.hasteLayers().size(), schedule, images, inputs.size(), env.getVersion(),
                Runtime.getRuntime().availableProcessors()));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(report);
        stdout.flush();
        for (int n : threads) {
            String part = new Benchmark(env, warmup, calibrationImages).run(file, CostCache.sha256(file), card.output().name(), inputs, n,
                    breakdownLevel);
            stdout.println(part);
            stdout.flush();
            report.append(part).append('\n');
        }
        reportOptions.write(report);
        return 0;
    }

    /** The first {@code limit} images of the folder, interleaved across its sub-folders, preprocessed for {@code card}. */
    private List<FloatTensor> inputs(ModelCard card) throws Exception {
        List<String> folders;
        try (Stream<Path> s = Files.list(images)) {
            folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> out = new ArrayList<>();
        for (LabelledImage image : ImageFolder.interleaved(images, folders, limit)) {
            out.add(pre.load(image.file()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(images + ": no images in its sub-folders");
        }
        return out;
    }
}
