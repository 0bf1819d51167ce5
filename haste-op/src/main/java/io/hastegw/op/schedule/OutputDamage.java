package io.hastegw.op.schedule;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.card.OutputKind;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.detection.InvalidOutputException;
import io.hastegw.op.onnx.FloatTensor;
import java.util.List;

/**
 * How far a model's output on a frame moved from the dense model's output on it: the damage the
 * schedule search weighs against the MACs a layer saves. No labels: the dense model's output is
 * the reference. A classifier's damage is the KL divergence of its class distribution; a
 * detector's is how much of the dense model's detections it lost ({@link #detections}).
 */
public interface OutputDamage {
    /** The damage of {@code output} against the dense model's {@code reference} on the same frame (0: the same). */
    double between(float[] reference, float[] output);

    /** What the damage measures, in words (for the model's metadata). */
    String describe();

    /** The damage that fits the card's output: KL divergence for a classifier, detection loss for a detector. */
    static OutputDamage of(ModelCard card) {
        return card.detector() ? detections(new DetectionDecoder(card.output().kind(), card.labels().size())) : divergence(card.output().kind());
    }

    /** KL(dense || output) in nats of the softmax of logits, or of the probabilities normalised. */
    static OutputDamage divergence(OutputKind kind) {
        boolean logits = kind != OutputKind.PROBABILITIES;
        return new OutputDamage() {
            @Override
            public double between(float[] reference, float[] output) {
                return ScheduleSearch.klDivergence(distribution(reference), distribution(output));
            }

            private double[] distribution(float[] scores) {
                return logits ? FloatTensor.softmax(scores) : ScheduleSearch.normalised(scores);
            }

            @Override
            public String describe() {
                return "KL divergence from the dense model's outputs";
            }
        };
    }

    /** Detections scoring below this are not compared (they hardly move mAP). */
    double DETECTION_FLOOR = 0.05;
    /** A detection and a dense one of its class overlapping less than this are not the same object. */
    double SAME_OBJECT_IOU = 0.1;

    /**
     * A detector's damage: both outputs are decoded ({@code decoder}, scores above
     * {@value #DETECTION_FLOOR}, class-aware NMS at 0.5); each dense detection d, best first, is
     * matched to the unmatched detection of its class that overlaps it most (IoU at least
     * {@value #SAME_OBJECT_IOU}); it keeps {@code IoU x min(s, s_d) / max(s, s_d)} of its score
     * s_d (nothing when unmatched); the damage is the score lost plus the scores of detections
     * matching nothing (spurious), over the dense detections' scores (or, when dense found
     * nothing, the spurious scores alone). A lost or moved box, a score that fell or a new false
     * alarm each count; an output that cannot be decoded counts as everything lost.
     */
    static OutputDamage detections(DetectionDecoder decoder) {
        return new OutputDamage() {
            @Override
            public double between(float[] reference, float[] output) {
                List<Detection> dense = decode(reference);
                List<Detection> found;
                try {
                    found = decoder.decode(output, DETECTION_FLOOR, 0.5, 300);
                } catch (InvalidOutputException e) {
                    return dense.isEmpty() ? 1 : 2;
                }
                boolean[] used = new boolean[found.size()];
                double total = 0;
                double lost = 0;
                for (Detection d : dense) {
                    total += d.score();
                    int best = -1;
                    double bestIou = SAME_OBJECT_IOU;
                    for (int j = 0; j < found.size(); j++) {
                        Detection f = found.get(j);
                        double iou = used[j] || f.classIndex() != d.classIndex() ? 0 : d.iou(f);
                        if (iou >= bestIou) {
                            bestIou = iou;
                            best = j;
                        }
                    }
                    double kept = 0;
                    if (best >= 0) {
                        used[best] = true;
                        float s = found.get(best).score();
                        kept = bestIou * Math.min(s, d.score()) / Math.max(s, d.score());
                    }
                    lost += d.score() * (1 - kept);
                }
                for (int j = 0; j < found.size(); j++) {
                    lost += used[j] ? 0 : found.get(j).score();
                }
                return total > 0 ? lost / total : lost;
            }

            private List<Detection> decode(float[] reference) {
                try {
                    return decoder.decode(reference, DETECTION_FLOOR, 0.5, 300);
                } catch (InvalidOutputException e) {
                    throw new IllegalStateException("the dense model's own output cannot be decoded: " + e.getMessage(), e);
                }
            }

            @Override
            public String describe() {
                return "detections lost, moved or added against the dense model's";
            }
        };
    }
}
