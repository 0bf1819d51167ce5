package io.hastegw.demo;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.cost.CostCache;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.DetectionSet;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.scenes.SceneSets;
import io.hastegw.op.schedule.BudgetOptions;
import io.hastegw.op.schedule.BudgetTransform;
import io.hastegw.op.schedule.ScheduleSearch;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.TransformResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import onnx.Onnx.ModelProto;

/**
 * What the demo runs: the model made HASTE-enabled (a per-layer schedule searched for MACs budgets
 * on unlabelled frames), the frames its cameras send, how its predictions are scored, and the
 * gateway settings it needs. The detector (the shared scene-detector on camera-like clips, mAP,
 * stream reuse on) or the bundled Fashion-MNIST classifier (unrelated test images, top-1, stream
 * reuse off).
 *
 * @param hasteModel the HASTE model written
 * @param card       its card
 * @param source     the frames and cameras
 * @param score      a new score per pass
 * @param settings   the gateway's {@code --set} values this workload needs
 * @param levels     the levels the demo runs after level 0, in order
 * @param framesAre  what the cameras send, in words
 */
record DemoWorkload(Path hasteModel, Path card, DirectoryFrameSource source, Supplier<DemoScore> score, List<String> settings,
                    List<Integer> levels, String framesAre) {

    /**
     * The shared scene-detector ({@code detector}: its folder) on clips drawn from the CIFAR-10
     * test images of {@code cifar} ({@code cameras} cameras, {@code clips} clips of 30 frames each),
     * its schedule searched ({@link #DETECTOR_BUDGETS}, patch-wise hashing, a smaller search than
     * benchmarks/detection-bench.sh's so the demo stays short) on unlabelled scenes drawn from the
     * train images, once: the model is kept in {@code work} for the next run with the same detector
     * and settings; zone "left" (the left half of each camera's frame) counts every label.
     */
    static DemoWorkload detector(Path detector, Path cifar, Path work, int cameras, int clips, List<Integer> levels, PrintStream out)
            throws Exception {
        Path cardFile = detector.resolve("scene-detector.json");
        ModelCard card = ModelCard.read(cardFile);
        Path clipDir = work.resolve("clips");
        Path calibrationDir = work.resolve("calibration");
        Demo.deleteTree(clipDir);
        Demo.deleteTree(calibrationDir);
        new SceneSets(SceneSets.renderer(cifar.resolve("test"), card.labels(), 200), card.labels()).clips(clipDir, cameras, clips, 30, 2, 11);
        new SceneSets(SceneSets.renderer(cifar.resolve("train"), card.labels(), 200), card.labels()).stills(calibrationDir,
                DETECTOR_BUDGETS.frames(), 101);
        out.printf("demo: %d cameras x %d camera-like clips of 30 frames (CIFAR-10 test objects moving over blurred backgrounds, light drift, "
                + "noise, a scene cut between clips) in %s; %d unlabelled calibration scenes from the train images%n", cameras, clips, clipDir,
                DETECTOR_BUDGETS.frames());
        Map<String, List<Detection>> truth = new HashMap<>();
        Path images = clipDir.resolve("images");
        for (DetectionSet.Scene s : DetectionSet.read(clipDir, card.labels(), 0)) {
            truth.put(images.relativize(s.file()).toString(), s.truth());
        }
        Path haste = work.resolve("scene-detector-haste.onnx");
        Path keyFile = work.resolve("scene-detector-haste.key");
        String key = CostCache.sha256(detector.resolve("scene-detector.onnx")) + " " + DETECTOR_OPTIONS + " " + DETECTOR_BUDGETS;
        if (Files.isRegularFile(haste) && Files.isRegularFile(keyFile) && Files.readString(keyFile).equals(key)) {
            out.printf("demo: HASTE model %s from an earlier run (same detector, same search; delete it to search again): %s%n", haste,
                    io.hastegw.op.transform.HasteModelInfo.of(OnnxModels.read(haste)).orElseThrow().scheduleOrigin());
        } else {
            List<FloatTensor> calibration = CalibrationInputs.fromFolder(calibrationDir.resolve("images"), card, DETECTOR_BUDGETS.frames());
            OnnxModels.write(transform(detector.resolve("scene-detector.onnx"), card, DETECTOR_OPTIONS, calibration,
                    "unlabelled scenes (CIFAR-10 train objects)", DETECTOR_BUDGETS, out).model(), haste);
            Files.writeString(keyFile, key);
        }
        StringBuilder cams = new StringBuilder();
        StringBuilder zones = new StringBuilder();
        for (int c = 0; c < cameras; c++) {
            cams.append(c == 0 ? "" : ", ").append("\"cam").append(c).append("\": {\"width\": 256, \"height\": 256}");
            zones.append(c == 0 ? "" : ", ").append("{\"name\": \"left\", \"camera\": \"cam").append(c)
                    .append("\", \"polygon\": [[0, 0], [128, 0], [128, 256], [0, 256]]}");
        }
        return new DemoWorkload(haste, cardFile, DirectoryFrameSource.perFolder(images), () -> DemoScore.map(truth, card.labels().size()),
                List.of("model.stream_reuse.enabled=true", "model.calibration_images=" + calibrationDir.resolve("images"),
                        "detection.cameras={" + cams + "}", "detection.zones=[" + zones + "]"), levels,
                "camera-like clips (a scene whose objects move, a cut between clips)");
    }

    /** The detector's HASTE options: the default transform's, hashed and merged in tiles of 8x8 output pixels where maps have room. */
    static final HasteOptions DETECTOR_OPTIONS = HasteOptions.defaults().withPatch(8);
    /** The detector's search: MACs budgets of levels 1-4, candidate L values, calibration frames. */
    static final BudgetOptions DETECTOR_BUDGETS = new BudgetOptions(List.of(0.99, 0.98, 0.95, 0.92), List.of(16, 14, 12, 10), 32);

    /**
     * A classifier and where its test images are.
     *
     * @param model   the ONNX model
     * @param card    its model card
     * @param dataset the folder of Debian's dataset-fashion-mnist
     */
    record Classifier(Path model, Path card, Path dataset) {}

    /**
     * The bundled Fashion-MNIST classifier on the test images of {@code dataset} (or generated
     * frames where the dataset is missing, said clearly), round-robin over {@code cameras} cameras;
     * its schedule searched on 128 unlabelled training images (or synthetic frames).
     */
    static DemoWorkload fashionMnist(Classifier classifier, Path work, int frames, int cameras, boolean streamReuse, List<Integer> levels,
                                     PrintStream out) throws Exception {
        Path model = classifier.model();
        Path cardFile = classifier.card();
        Path dataset = classifier.dataset();
        Path frameDir = work.resolve("frames");
        Demo.deleteTree(frameDir);
        if (Files.isRegularFile(dataset.resolve("t10k-images-idx3-ubyte.gz"))) {
            int n = DemoFrames.writeFashionMnist(dataset, frameDir, frames);
            out.printf("demo: %d Fashion-MNIST test images from %s (Debian package dataset-fashion-mnist) in %s%n", n, dataset, frameDir);
        } else {
            DemoFrames.writeGenerated(frameDir, frames);
            out.printf("demo: Fashion-MNIST is NOT installed (%s missing; apt-get install dataset-fashion-mnist):"
                    + " using %d GENERATED frames, so no accuracy can be reported%n", dataset, frames);
        }
        ModelCard card = ModelCard.read(cardFile);
        BudgetOptions budget = BudgetOptions.defaults();
        List<FloatTensor> calibration;
        String calibrationSource;
        if (Files.isRegularFile(dataset.resolve("train-images-idx3-ubyte.gz"))) {
            Path calibrationDir = work.resolve("calibration");
            Demo.deleteTree(calibrationDir);
            DemoFrames.writeUnlabelledTraining(dataset, calibrationDir, 128);
            calibration = CalibrationInputs.fromFolder(calibrationDir, card, 128);
            calibrationSource = "unlabelled Fashion-MNIST training frames";
        } else {
            calibration = CalibrationInputs.synthetic(card, budget.frames());
            calibrationSource = "synthetic frames (data-free)";
        }
        Path haste = work.resolve(model.getFileName().toString().replaceFirst("\\.onnx$", "") + "-haste.onnx");
        OnnxModels.write(transform(model, card, HasteOptions.defaults(), calibration, calibrationSource, budget, out).model(), haste);
        return new DemoWorkload(haste, cardFile, DirectoryFrameSource.roundRobin(frameDir, cameras), DemoScore::top1,
                List.of("model.stream_reuse.enabled=" + streamReuse, "model.calibration_images=" + frameDir), levels,
                "unrelated test images, not streams of one scene");
    }

    /**
     * {@code model} made HASTE-enabled: each level a MACs budget, the per-layer schedule searched
     * on {@code frames} (unlabelled: no label is read).
     */
    private static TransformResult transform(Path model, ModelCard card, HasteOptions options, List<FloatTensor> frames, String source,
                                             BudgetOptions budget, PrintStream out) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        RuntimeOptions runtime = RuntimeOptions.of(1);
        ModelProto onnx = OnnxModels.read(model);
        long start = System.nanoTime();
        BudgetTransform.Outcome o = new BudgetTransform(env, runtime, new ScheduleSearch(env, runtime, (done, total) -> { }))
                .transform(onnx, InputShape.batchOne(onnx, card), options, card, frames, source, budget);
        out.printf(Locale.ROOT, "demo: schedule %s (%.0f s)%n", o.transform().info().scheduleOrigin(), (System.nanoTime() - start) / 1e9);
        for (int l = 1; l < o.search().schedule().levels(); l++) {
            out.printf(Locale.ROOT, "demo:   level %d: budget %.0f %% of the dense MACs, predicted %.1f %%%n", l,
                    100 * budget.budgets().get(l - 1), 100 * o.search().predicted()[l]);
        }
        out.printf("demo: HASTE model (%d HASTE layers, levels 0..%d)%n", o.transform().info().hasteLayers().size(),
                o.transform().info().schedule().levels() - 1);
        return o.transform();
    }
}
