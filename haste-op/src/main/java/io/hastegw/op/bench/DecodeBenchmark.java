package io.hastegw.op.bench;

import io.hastegw.op.card.OutputKind;
import io.hastegw.op.detection.DetectionDecoder;
import io.hastegw.op.detection.InvalidOutputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The decode + NMS benchmark (not a test): a YOLOv8-layout output of {@code classes} classes over
 * {@code cells} cells (80 and 8,400: YOLOv8 at 640x640 on COCO), filled like a real one: every
 * class score low (the sigmoid of N(-8, 1.5)), and {@code objects} objects each seen by a cluster
 * of {@value #CLUSTER} neighbouring cells with high, overlapping boxes (the work NMS exists for).
 * Times the threshold scan with box decoding and the class-aware NMS on one thread, many runs
 * after a warm-up, and reports the median and p95 of each.
 */
public final class DecodeBenchmark {
    /** Cells per object that score above the threshold with overlapping boxes. */
    public static final int CLUSTER = 20;

    /**
     * One setting's times.
     *
     * @param candidates candidates above the threshold (before NMS)
     * @param kept       detections after NMS
     * @param scanP50Ms  threshold scan and box decoding, median
     * @param scanP95Ms  its p95
     * @param nmsP50Ms   NMS, median
     * @param totalP50Ms both, median of the sums
     * @param totalP95Ms both, p95
     */
    public record Result(int candidates, int kept, double scanP50Ms, double scanP95Ms, double nmsP50Ms, double totalP50Ms, double totalP95Ms) {}

    private DecodeBenchmark() {}

    /** A synthetic output as described above, from {@code seed}. */
    public static float[] output(int classes, int cells, int objects, long seed) {
        Random random = new Random(seed);
        int rows = 4 + classes;
        float[] out = new float[rows * cells];
        for (int n = 0; n < cells; n++) {
            out[n] = 640 * random.nextFloat();
            out[cells + n] = 640 * random.nextFloat();
            out[2 * cells + n] = 8 + 100 * random.nextFloat();
            out[3 * cells + n] = 8 + 100 * random.nextFloat();
            for (int c = 0; c < classes; c++) {
                out[(4 + c) * cells + n] = (float) (1 / (1 + Math.exp(8 - 1.5 * random.nextGaussian())));
            }
        }
        for (int o = 0; o < objects; o++) {
            int c = random.nextInt(classes);
            float cx = 50 + 540 * random.nextFloat();
            float cy = 50 + 540 * random.nextFloat();
            float w = 30 + 150 * random.nextFloat();
            float h = 30 + 150 * random.nextFloat();
            int first = random.nextInt(cells - CLUSTER);
            for (int k = 0; k < CLUSTER; k++) {
                int n = first + k;
                out[n] = cx + 4 * (float) random.nextGaussian();
                out[cells + n] = cy + 4 * (float) random.nextGaussian();
                out[2 * cells + n] = w * (1 + 0.05f * (float) random.nextGaussian());
                out[3 * cells + n] = h * (1 + 0.05f * (float) random.nextGaussian());
                out[(4 + c) * cells + n] = 0.3f + 0.65f * random.nextFloat();
            }
        }
        return out;
    }

    /** Decodes {@code output} {@code runs} times after {@code warmup} runs at the given settings. */
    public static Result run(float[] output, int classes, double scoreThreshold, double iouThreshold, int max, int warmup, int runs)
            throws InvalidOutputException {
        DecodeStages stages = new DecodeStages(new DetectionDecoder(OutputKind.YOLOV8, classes));
        for (int i = 0; i < warmup; i++) {
            stages.time(output, scoreThreshold, iouThreshold, max);
        }
        double[] scan = new double[runs];
        double[] nms = new double[runs];
        double[] total = new double[runs];
        for (int i = 0; i < runs; i++) {
            stages.time(output, scoreThreshold, iouThreshold, max);
            scan[i] = stages.scanMs;
            nms[i] = stages.nmsMs;
            total[i] = stages.scanMs + stages.nmsMs;
        }
        return new Result(stages.candidates, stages.kept, pct(scan, 50), pct(scan, 95), pct(nms, 50), pct(total, 50), pct(total, 95));
    }

    /** One timed decode, split into its two stages. */
    private static final class DecodeStages {
        private final DetectionDecoder decoder;
        double scanMs;
        double nmsMs;
        int candidates;
        int kept;

        DecodeStages(DetectionDecoder decoder) {
            this.decoder = decoder;
        }

        void time(float[] output, double scoreThreshold, double iouThreshold, int max) throws InvalidOutputException {
            long t0 = System.nanoTime();
            var found = decoder.candidates(output, scoreThreshold);
            long t1 = System.nanoTime();
            var survivors = io.hastegw.op.detection.Nms.apply(found, iouThreshold, max);
            long t2 = System.nanoTime();
            scanMs = (t1 - t0) / 1e6;
            nmsMs = (t2 - t1) / 1e6;
            candidates = found.size();
            kept = survivors.size();
        }
    }

    private static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(p / 100 * (s.length - 1)))];
    }

    /** The result as a line of the report. */
    public static String line(String setting, Result r) {
        return String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f |", setting, r.candidates(), r.kept(), r.scanP50Ms(),
                r.scanP95Ms(), r.nmsP50Ms(), r.totalP50Ms(), r.totalP95Ms());
    }
}
