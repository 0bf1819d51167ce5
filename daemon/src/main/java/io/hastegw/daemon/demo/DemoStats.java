package io.hastegw.daemon.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the demo saw: predictions with their latency and correctness, errors, per-second windows
 * for the live line and totals for the summary. Thread-safe (fed from the MQTT callback thread).
 */
final class DemoStats {
    private final List<Double> latencies = new ArrayList<>();
    private final List<Double> inference = new ArrayList<>();
    private final List<Double> window = new ArrayList<>();
    private int predictions;
    private int labelled;
    private int correct;
    private int windowLabelled;
    private int windowCorrect;
    private int errors;
    private double reductionSum;
    private double macsSum;
    private int level;
    private double millijoules;
    private double denseMillijoules;
    private double windowMillijoules;
    private double windowDenseMillijoules;
    private String energyMethod;

    /** Energy of one prediction as the gateway reported it (NaN figures on a board without a device profile). */
    record Energy(double millijoules, double denseMillijoules, String method) {}

    synchronized void prediction(double latencyMs, double inferenceMs, Integer trueClass, int predicted, double executedMacs, double reduction,
                                 int usedLevel, Energy energy) {
        predictions++;
        latencies.add(latencyMs);
        inference.add(inferenceMs);
        window.add(latencyMs);
        reductionSum += reduction;
        macsSum += executedMacs;
        level = usedLevel;
        millijoules += energy.millijoules();
        denseMillijoules += energy.denseMillijoules();
        windowMillijoules += energy.millijoules();
        windowDenseMillijoules += energy.denseMillijoules();
        energyMethod = energy.method();
        if (trueClass != null) {
            labelled++;
            windowLabelled++;
            if (trueClass == predicted) {
                correct++;
                windowCorrect++;
            }
        }
    }

    synchronized void error() {
        errors++;
    }

    /** Frames answered so far: predictions and errors. */
    synchronized int answered() {
        return predictions + errors;
    }

    /** The live line for the last second, and a new window. */
    synchronized String liveLine(int second) {
        List<Double> w = new ArrayList<>(window);
        window.clear();
        String accuracy = windowLabelled == 0 ? "accuracy n/a" : String.format(Locale.ROOT, "accuracy %5.1f%% (total %5.1f%%)",
                100.0 * windowCorrect / windowLabelled, 100.0 * correct / labelled);
        windowLabelled = 0;
        windowCorrect = 0;
        String energy = energy(windowMillijoules, windowDenseMillijoules, w.size());
        windowMillijoules = 0;
        windowDenseMillijoules = 0;
        return String.format(Locale.ROOT, "[%3ds] %5d frames/s  latency p50 %6.2f ms  level %d  %s  %s  errors %d", second, w.size(),
                percentile(w, 0.5), level, accuracy, energy, errors);
    }

    /** Energy per frame and saved against dense, or why there is none. */
    private static String energy(double mj, double denseMj, int frames) {
        if (frames == 0 || Double.isNaN(mj)) {
            return "energy n/a";
        }
        return String.format(Locale.ROOT, "energy %.3f mJ/frame (dense %.3f, saved %.1f %%)", mj / frames, denseMj / frames,
                denseMj > 0 ? 100 * (1 - mj / denseMj) : 0.0);
    }

    /** The summary after the run. */
    synchronized String summary(int sent, double seconds, double dropped) {
        List<Double> all = new ArrayList<>(latencies);
        return String.format(Locale.ROOT, """
                summary: %d frames sent in %.1f s, %d predictions (%.1f frames/s), %.0f dropped by back-pressure, %d errors
                         latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms (publish to prediction, through the embedded broker)
                         inference p50 %.3f ms (the gateway's latency_ms.inference)
                         level %d, mean MACs reduction %.2f %% (HASTE overhead included)
                         %s
                         %s""",
                sent, seconds, predictions, predictions / seconds, dropped, errors,
                percentile(all, 0.5), percentile(all, 0.95), percentile(all, 0.99), percentile(new ArrayList<>(inference), 0.5), level,
                100 * reductionSum / Math.max(1, predictions),
                labelled == 0 ? "accuracy: n/a (generated frames have no true class)"
                        : String.format(Locale.ROOT, "accuracy: %.2f %% top-1 on %d labelled frames", 100.0 * correct / labelled, labelled),
                energyMethod == null || Double.isNaN(millijoules) ? "energy: n/a (" + energyMethod + ")"
                        : String.format(Locale.ROOT, "%s, %.3f mJ in all (%s)", energy(millijoules, denseMillijoules, predictions), millijoules,
                        energyMethod));
    }

    /** What this pass saved against {@code dense}, the level-0 pass over the same frames in the same run. */
    synchronized String against(DemoStats dense) {
        double macs = macsSum / Math.max(1, predictions);
        double denseMacs = dense.macsSum / Math.max(1, dense.predictions);
        double ms = percentile(new ArrayList<>(inference), 0.5);
        double denseMs = percentile(new ArrayList<>(dense.inference), 0.5);
        String accuracy = labelled == 0 || dense.labelled == 0 ? "accuracy n/a (generated frames)"
                : String.format(Locale.ROOT, "top-1 %.2f %% against %.2f %% (%+.2f pp)", 100.0 * correct / labelled,
                        100.0 * dense.correct / dense.labelled, 100.0 * correct / labelled - 100.0 * dense.correct / dense.labelled);
        return String.format(Locale.ROOT, "demo: level %d against level 0, same frames, same run: MACs %.2f M against %.2f M (%.1f %% fewer), "
                + "inference p50 %.3f ms against %.3f ms (%.2fx as fast), %s", level, macs / 1e6, denseMacs / 1e6, 100 * (1 - macs / denseMacs),
                ms, denseMs, denseMs / ms, accuracy);
    }

    private static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
    }
}
