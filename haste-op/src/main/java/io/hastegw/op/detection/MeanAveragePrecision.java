package io.hastegw.op.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mean average precision of detections against labelled boxes, the VOC way: per class, every
 * detection of every image in descending score order is a true positive when its best-overlapping
 * labelled box of that class in its image (IoU at least the threshold) is not matched yet, else a
 * false positive; the class's AP is the area under the precision envelope over all recall points
 * (all-point interpolation); the mean is over the classes that have labelled boxes. mAP@0.5:0.95
 * is the mean of mAP at IoU 0.50, 0.55, ..., 0.95 (COCO's thresholds, all-point interpolation).
 */
public final class MeanAveragePrecision {
    /** The IoU thresholds of mAP@0.5:0.95. */
    public static final double[] COCO_THRESHOLDS = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95};

    private final int classes;
    private final List<List<Detection>> detections = new ArrayList<>();
    private final List<List<Detection>> truths = new ArrayList<>();

    /** An empty tally over {@code classes} classes. */
    public MeanAveragePrecision(int classes) {
        this.classes = classes;
    }

    /** One image: what was detected (any order) and what is labelled there (scores ignored). */
    public void add(List<Detection> detected, List<Detection> labelled) {
        detections.add(List.copyOf(detected));
        truths.add(List.copyOf(labelled));
    }

    /** Images added so far. */
    public int images() {
        return detections.size();
    }

    /** mAP at IoU 0.5, as a fraction. */
    public double map50() {
        return at(0.5);
    }

    /** mAP averaged over IoU 0.50 to 0.95 in steps of 0.05, as a fraction. */
    public double map50to95() {
        return Arrays.stream(COCO_THRESHOLDS).map(this::at).average().orElse(0);
    }

    /** mAP at IoU {@code threshold}, as a fraction; 0 when nothing is labelled. */
    public double at(double threshold) {
        return Arrays.stream(perClass(threshold)).filter(ap -> !Double.isNaN(ap)).average().orElse(0);
    }

    /** AP of every class at IoU {@code threshold}; NaN for a class with no labelled box. */
    public double[] perClass(double threshold) {
        double[] ap = new double[classes];
        for (int c = 0; c < classes; c++) {
            ap[c] = classAp(c, threshold);
        }
        return ap;
    }

    /** A detection of image {@code image}. */
    private record Scored(int image, Detection detection) {}

    private double classAp(int c, double threshold) {
        int positives = 0;
        List<Scored> scored = new ArrayList<>();
        List<boolean[]> used = new ArrayList<>();
        for (int i = 0; i < truths.size(); i++) {
            positives += (int) truths.get(i).stream().filter(t -> t.classIndex() == c).count();
            used.add(new boolean[truths.get(i).size()]);
            for (Detection d : detections.get(i)) {
                if (d.classIndex() == c) {
                    scored.add(new Scored(i, d));
                }
            }
        }
        if (positives == 0) {
            return Double.NaN;
        }
        // Stable: equal scores keep image order.
        scored.sort((a, b) -> Float.compare(b.detection().score(), a.detection().score()));
        int n = scored.size();
        double[] recall = new double[n];
        double[] precision = new double[n];
        int tp = 0;
        for (int k = 0; k < n; k++) {
            Scored s = scored.get(k);
            List<Detection> truth = truths.get(s.image());
            int best = -1;
            double bestIou = -1;
            for (int j = 0; j < truth.size(); j++) {
                if (truth.get(j).classIndex() == c) {
                    double iou = s.detection().iou(truth.get(j));
                    if (iou > bestIou) {
                        bestIou = iou;
                        best = j;
                    }
                }
            }
            boolean[] taken = used.get(s.image());
            if (best >= 0 && bestIou >= threshold && !taken[best]) {
                taken[best] = true;
                tp++;
            }
            recall[k] = (double) tp / positives;
            precision[k] = (double) tp / (k + 1);
        }
        return allPointArea(recall, precision);
    }

    /** Area under the precision envelope (precision made non-increasing from the right) over the recall steps. */
    static double allPointArea(double[] recall, double[] precision) {
        int n = recall.length;
        double[] mrec = new double[n + 2];
        double[] mpre = new double[n + 2];
        System.arraycopy(recall, 0, mrec, 1, n);
        System.arraycopy(precision, 0, mpre, 1, n);
        mrec[n + 1] = 1;
        for (int k = n; k >= 0; k--) {
            mpre[k] = Math.max(mpre[k], mpre[k + 1]);
        }
        double area = 0;
        for (int k = 0; k <= n; k++) {
            if (mrec[k + 1] != mrec[k]) {
                area += (mrec[k + 1] - mrec[k]) * mpre[k + 1];
            }
        }
        return area;
    }
}
