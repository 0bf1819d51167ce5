package io.hastegw.daemon.bench;

import io.hastegw.daemon.messages.PredictionReader;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.DetectionSet;
import io.hastegw.op.detection.MeanAveragePrecision;
import io.hastegw.op.scenes.SceneSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a gateway benchmark sends and how the answers are scored: a classifier's CIFAR-10 test
 * images (each camera shows one for {@value #CLIP} frames, then the next; scored by top-1), or a
 * detector's camera clips (a folder {@code haste-op scenes --clips} wrote; camera k sends the
 * frames of its own clips in order; scored by mAP@0.5 over the answered frames).
 *
 * @param name  the model's name in reports
 * @param onnx  the dense model
 * @param card  its card
 * @param shots       per camera, the frames it sends in turn
 * @param score       how the predictions of one phase are scored
 * @param scoreName   what the score is ({@code top-1}, {@code mAP@0.5})
 * @param description what the cameras send, in words
 */
record BenchWorkload(String name, Path onnx, Path card, List<List<Shot>> shots, Score score, String scoreName, String description) {
    /** Frames a classifier's camera shows the same image before the next. */
    static final int CLIP = 30;

    /** A frame to send: its encoded bytes, its file, and its index in the workload's truth. */
    record Shot(byte[] jpeg, Path file, int index) {}

    /** Scores the predictions of a phase. */
    interface Score {
        /** The score in [0, 1] of {@code predictions} (by frame id), {@code shotOf} giving each frame id's shot index; NaN without any. */
        double of(Map<String, BenchClient.Received> predictions, Map<String, Integer> shotOf);
    }

    /** The frame camera {@code camera} sends at its {@code step}-th turn. */
    Shot next(int camera, int step) {
        List<Shot> own = shots.get(camera % shots.size());
        return own.get(step % own.size());
    }

    /** Every shot, for a bare ONNX Runtime loop. */
    List<Shot> all() {
        return shots.stream().flatMap(List::stream).toList();
    }

    /** A CIFAR-10 classifier ({@code ../shared/models/cifar10-<model>}): {@code perClass} test images of each class, top-1. */
    static BenchWorkload classifier(Path shared, String model, int cameras, int perClass) throws Exception {
        Path dir = shared.resolve("models/cifar10-" + model);
        Path cardFile = dir.resolve(model + "-cifar10.json");
        ModelCard card = ModelCard.read(cardFile);
        List<Shot> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (String label : card.labels()) {
                Path file = shared.resolve("data/cifar10-jpeg/test").resolve(label).resolve(String.format("%04d.jpg", i));
                images.add(new Shot(Files.readAllBytes(file), file, images.size()));
                labels.add(card.labels().indexOf(label));
            }
        }
        List<List<Shot>> perCamera = new ArrayList<>();
        for (int camera = 0; camera < cameras; camera++) {
            List<Shot> own = new ArrayList<>();
            for (int k = 0; k < images.size(); k++) {
                Shot s = images.get((camera * 7919 + k) % images.size());
                for (int f = 0; f < CLIP; f++) {
                    own.add(s);
                }
            }
            perCamera.add(own);
        }
        return new BenchWorkload(model + "-cifar10", dir.resolve(model + "-cifar10.onnx"), cardFile, perCamera, (predictions, shotOf) ->
                predictions.isEmpty() ? Double.NaN : (double) predictions.entrySet().stream().filter(e -> shotOf.containsKey(e.getKey())
                        && labels.get(shotOf.get(e.getKey())) == e.getValue().top()).count() / predictions.size(),
                "top-1", "a camera shows one CIFAR-10 test image for " + CLIP + " frames, then the next");
    }

    /**
     * The shared scene-detector on the clips of {@code clips} (cameras cam0, cam1, ... of the
     * folder; camera k of the benchmark sends the folder's camera k mod their number), mAP@0.5.
     */
    static BenchWorkload detector(Path shared, Path clips) throws Exception {
        Path dir = shared.resolve("models/synthetic-detector");
        Path cardFile = dir.resolve("scene-detector.json");
        ModelCard card = ModelCard.read(cardFile);
        List<DetectionSet.Scene> scenes = DetectionSet.read(clips, card.labels(), 0);
        Map<String, List<Shot>> byCamera = new java.util.TreeMap<>();
        List<List<Detection>> truth = new ArrayList<>();
        for (DetectionSet.Scene scene : scenes) {
            String camera = clips.resolve("images").relativize(scene.file()).getName(0).toString();
            byCamera.computeIfAbsent(camera, k -> new ArrayList<>()).add(new Shot(Files.readAllBytes(scene.file()), scene.file(), truth.size()));
            truth.add(scene.truth());
        }
        return new BenchWorkload("scene-detector", dir.resolve("scene-detector.onnx"), cardFile, List.copyOf(byCamera.values()),
                (predictions, shotOf) -> {
                    MeanAveragePrecision map = new MeanAveragePrecision(card.labels().size());
                    predictions.forEach((frame, p) -> {
                        if (shotOf.containsKey(frame)) {
                            map.add(PredictionReader.detections(p.message()), truth.get(shotOf.get(frame)));
                        }
                    });
                    return map.images() == 0 ? Double.NaN : map.map50();
                }, "mAP@0.5", "camera clips of " + clips + " (" + SceneSets.class.getSimpleName() + ": objects moving, light drifting, cuts)");
    }
}
