package io.hastegw.op.eval;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.detection.DetectionSet;
import io.hastegw.op.detection.FrameGeometry;
import io.hastegw.op.detection.InvalidOutputException;
import io.hastegw.op.detection.MeanAveragePrecision;
import io.hastegw.op.onnx.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The labelled images an evaluation runs on, and how one configuration's outputs are judged
 * against their labels: top-1 for a classifier's folder, mAP for a detector's scenes (decoded
 * exactly as the gateway decodes them, boxes mapped back to each image's own pixels).
 */
public interface EvalSet {
    /** The images, in evaluation order. */
    List<Path> files();

    /** A fresh judge for one configuration. */
    Judge judge();

    /** Judges one configuration's outputs, image by image. */
    interface Judge {
        /** The output for image {@code image} of {@link #files()}, fitted into the input as {@code geometry} says. */
        void add(int image, FloatTensor output, FrameGeometry geometry);

        /** The quality over the images added. */
        Quality quality();
    }

    /** Top-1 over labelled images. */
    static EvalSet classification(List<LabelledImage> images) {
        return new EvalSet() {
            @Override
            public List<Path> files() {
                return images.stream().map(LabelledImage::file).toList();
            }

            @Override
            public Judge judge() {
                return new Judge() {
                    private int seen;
                    private int correct;

                    @Override
                    public void add(int image, FloatTensor output, FrameGeometry geometry) {
                        seen++;
                        correct += output.argmax() == images.get(image).label() ? 1 : 0;
                    }

                    @Override
                    public Quality quality() {
                        return Quality.top1(100.0 * correct / Math.max(1, seen));
                    }
                };
            }
        };
    }

    /**
     * mAP@0.5 and mAP@0.5:0.95 over labelled scenes; outputs decoded by {@link DetectionDecoder}
     * with these settings. An output that cannot be decoded (NaN, infinite) counts as no detections.
     */
    static EvalSet detection(List<DetectionSet.Scene> scenes, ModelCard card, ModelCard.DetectionDefaults decoding) {
        DetectionDecoder decoder = new DetectionDecoder(card.output().kind(), card.labels().size());
        return new EvalSet() {
            @Override
            public List<Path> files() {
                return scenes.stream().map(DetectionSet.Scene::file).toList();
            }

            @Override
            public Judge judge() {
                MeanAveragePrecision map = new MeanAveragePrecision(card.labels().size());
                return new Judge() {
                    @Override
                    public void add(int image, FloatTensor output, FrameGeometry geometry) {
                        List<Detection> found = new ArrayList<>();
                        try {
                            for (Detection d : decoder.decode(output.data(), decoding.scoreThreshold(), decoding.iouThreshold(),
                                    decoding.maxDetections())) {
                                geometry.toFrame(d).ifPresent(found::add);
                            }
                        } catch (InvalidOutputException e) {
                            found.clear();
                        }
                        map.add(found, scenes.get(image).truth());
                    }

                    @Override
                    public Quality quality() {
                        return Quality.map(100 * map.map50(), 100 * map.map50to95());
                    }
                };
            }
        };
    }
}
