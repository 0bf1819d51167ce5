package io.hastegw.op.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Class-aware greedy non-maximum suppression: detections are taken best first (ties: lower class,
 * then the order given), and one is dropped when it overlaps an already kept detection of its
 * class by more than the IoU threshold; at most {@code max} are kept. Only the best
 * {@value #MAX_CANDIDATES} candidates are considered (as YOLO's NMS does), so a threshold that
 * lets every cell through costs a sort, not a quadratic pass.
 */
public final class Nms {
    /** Candidates considered at most, best first. */
    public static final int MAX_CANDIDATES = 30_000;

    private Nms() {}

    /** The detections that survive, best first. */
    public static List<Detection> apply(List<Detection> candidates, double iouThreshold, int max) {
        Detection[] sorted = candidates.toArray(new Detection[0]);
        Arrays.sort(sorted, Comparator.comparingDouble((Detection d) -> -d.score()).thenComparingInt(Detection::classIndex));
        List<Detection> kept = new ArrayList<>();
        // Kept detections per class, so a candidate is compared with its own class only.
        List<List<Detection>> byClass = new ArrayList<>();
        for (int i = 0; i < Math.min(sorted.length, MAX_CANDIDATES); i++) {
            Detection d = sorted[i];
            if (kept.size() == max) {
                break;
            }
            while (byClass.size() <= d.classIndex()) {
                byClass.add(new ArrayList<>());
            }
            List<Detection> same = byClass.get(d.classIndex());
            boolean suppressed = false;
            for (Detection k : same) {
                if (k.iou(d) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                same.add(d);
                kept.add(d);
            }
        }
        return kept;
    }
}
