package io.hastegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the demo saw in one pass: predictions with their latency, MACs, level and energy, their
 * score ({@link DemoScore}: top-1 or mAP), errors, per-second windows for the live line and
 * totals for the summary. Thread-safe (fed from the MQTT callback thread).
 */
final class DemoStats {
    private final DemoScore score;
    private final List<Double> latencies = new ArrayList<>();
    private final List<Double> inference = new ArrayList<>();
    private final List<Double> window = new ArrayList<>();
    private int predictions;
    private int errors;
    private double reductionSum;
    private double macsSum;
    private int level;
    private double millijoules;
    private double denseMillijoules;
    private double windowMillijoules;
    private double windowDenseMillijoules;
    private String energyMethod;

    /** A pass scored by {@code score}. */
    DemoStats(DemoScore score) {
        this.score = score;
    }

    /** The prediction {@code p} of frame {@code frameId}, received {@code latencyMs} after the frame was published. */
    synchronized void prediction(String frameId, double latencyMs, JsonNode p) {
        predictions++;
        latencies.add(latencyMs);
        inference.add(p.path("latency_ms").path("inference").asDouble());
        window.add(latencyMs);
        reductionSum += p.path("macs").path("reduction").asDouble();
        macsSum += p.path("macs").path("executed").asDouble();
        level = p.path("level").asInt();
        double mj = p.path("energy").path("millijoules").asDouble(Double.NaN);
        double denseMj = p.path("energy").path("dense_millijoules").asDouble(Double.NaN);
        millijoules += mj;
        denseMillijoules += denseMj;
        windowMillijoules += mj;
        windowDenseMillijoules += denseMj;
        energyMethod = p.path("energy").path("method").asText();
        score.add(frameId, p);
    }

    synchronized void error() {
        errors++;
    }

    /** Frames answered so far: predictions and errors. */
    synchronized int answered() {
        return predictions + errors;
    }

    /** The pass's score in percent (NaN without scored frames). */
    synchronized double score() {
        return score.percent();
    }

    /** Mean MACs executed per prediction. */
    synchronized double macs() {
        return macsSum / Math.max(1, predictions);
    }

    /** Median inference time (the gateway's latency_ms.inference). */
    synchronized double inferenceP50() {
        return percentile(new ArrayList<>(inference), 0.5);
    }

    /** The live line for the last second, and a new window. */
    synchronized String liveLine(int second) {
        List<Double> w = new ArrayList<>(window);
        window.clear();
        String scored = score.frames() == 0 ? score.name() + " n/a" : String.format(Locale.ROOT, "%s so far %5.1f%%", score.name(), score.percent());
        String energy = energy(windowMillijoules, windowDenseMillijoules, w.size());
        windowMillijoules = 0;
        windowDenseMillijoules = 0;
        return String.format(Locale.ROOT, "[%3ds] %5d frames/s  latency p50 %6.2f ms  level %d  %s  %s  errors %d", second, w.size(),
                percentile(w, 0.5), level, scored, energy, errors);
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
                percentile(all, 0.5), percentile(all, 0.95), percentile(all, 0.99), inferenceP50(), level,
                100 * reductionSum / Math.max(1, predictions),
                score.frames() == 0 ? score.name() + ": n/a (no labelled frame: generated frames have no truth)"
                        : String.format(Locale.ROOT, "%s: %.2f %% on %d labelled frames", score.name(), score.percent(), score.frames()),
                energyMethod == null || Double.isNaN(millijoules) ? "energy: n/a (" + energyMethod + ")"
                        : String.format(Locale.ROOT, "%s, %.3f mJ in all (%s)", energy(millijoules, denseMillijoules, predictions), millijoules,
                        energyMethod));
    }

    /** What this pass saved against {@code dense}, the level-0 pass over the same frames in the same run. */
    synchronized String against(DemoStats dense) {
        double macs = macs();
        double denseMacs = dense.macs();
        double ms = inferenceP50();
        double denseMs = dense.inferenceP50();
        String scored = score.frames() == 0 || dense.score.frames() == 0 ? score.name() + " n/a (generated frames)"
                : String.format(Locale.ROOT, "%s %.2f %% against %.2f %% (%+.2f pp)", score.name(), score.percent(), dense.score(),
                        score.percent() - dense.score());
        return String.format(Locale.ROOT, "demo: level %d against level 0, same frames, same run: MACs %.2f M against %.2f M (%.1f %% fewer), "
                + "inference p50 %.3f ms against %.3f ms (%.2fx as fast), %s", level, macs / 1e6, denseMacs / 1e6, 100 * (1 - macs / denseMacs),
                ms, denseMs, denseMs / ms, scored);
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
