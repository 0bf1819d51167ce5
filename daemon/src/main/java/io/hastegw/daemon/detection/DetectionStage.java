package io.hastegw.daemon.detection;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.detection.FrameGeometry;
import io.hastegw.op.detection.InvalidOutputException;
import io.hastegw.plugin.api.Detection;
import java.util.ArrayList;
import java.util.List;

/**
 * The core path's detection stage: a detector's raw output decoded ({@link DetectionDecoder}:
 * score threshold, class-aware NMS, at most N boxes, from the model card's defaults and the
 * gateway's overrides) and its boxes mapped from input pixels back to the frame's own pixels
 * (through the letterbox or stretch of the card, and the subsampling of a large frame's decode),
 * clipped to the frame; then, after post-processing, the camera's zones ({@link CameraZones}).
 */
public final class DetectionStage {
    private final DetectionDecoder decoder;
    private final ModelCard.DetectionDefaults decoding;
    private final ModelCard card;
    private final CameraZones zones;

    /** Decoding for {@code card} with {@code decoding} in force, and {@code zones}. */
    public DetectionStage(ModelCard card, ModelCard.DetectionDefaults decoding, CameraZones zones) {
        this.decoder = new DetectionDecoder(card.output().kind(), card.labels().size());
        this.card = card;
        this.decoding = decoding;
        this.zones = zones;
    }

    /**
     * The detection stage of {@code card} with {@code config}'s overrides and zones, empty for a
     * classifier.
     *
     * @throws IllegalArgumentException naming the key, when zones are configured for a classifier or name a label the card
     *                                  does not hold
     */
    public static java.util.Optional<DetectionStage> of(ModelCard card, io.hastegw.daemon.config.DetectionConfig config) {
        if (!card.detector()) {
            if (!config.zones().isEmpty()) {
                throw new IllegalArgumentException("key 'detection.zones' lists zones, but the model card says task "
                        + card.task().wireName() + ": zones need an object detector");
            }
            return java.util.Optional.empty();
        }
        List<String> unknown = config.unknownLabels(card.labels());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", unknown));
        }
        return java.util.Optional.of(new DetectionStage(card, config.decoding(card.output().detection()), new CameraZones(config, card.labels())));
    }

    /** The decoding settings in force. */
    public ModelCard.DetectionDefaults decoding() {
        return decoding;
    }

    /** The cameras' zones. */
    public CameraZones zones() {
        return zones;
    }

    /**
     * The detections of {@code output} for a frame of {@code frameWidth x frameHeight} pixels that
     * was decoded at {@code decodedWidth x decodedHeight} (smaller when subsampled) and fitted into
     * the input as the card says; boxes in frame pixels, best first, no zones yet.
     *
     * @throws InvalidOutputException when the output holds NaN or infinite values where they matter
     */
    public List<Detection> decode(float[] output, int decodedWidth, int decodedHeight, int frameWidth, int frameHeight)
            throws InvalidOutputException {
        int[] chw = card.chw();
        FrameGeometry geometry = FrameGeometry.of(decodedWidth, decodedHeight, chw[2], chw[1], card.input().resize())
                .forFrame(frameWidth, frameHeight);
        List<Detection> out = new ArrayList<>();
        for (io.hastegw.op.detection.Detection d : decoder.decode(output, decoding.scoreThreshold(), decoding.iouThreshold(),
                decoding.maxDetections())) {
            geometry.toFrame(d).ifPresent(f -> out.add(new Detection(f.classIndex(), card.labels().get(f.classIndex()), f.score(), f.x0(),
                    f.y0(), f.x1(), f.y1(), List.of())));
        }
        return out;
    }
}
