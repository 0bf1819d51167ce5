package io.hastegw.daemon.load;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The frames of the last {@code windowNanos}: their latency (arrival to prediction) and
 * inference time, for percentiles and frames per second, plus the frames dropped in the same
 * window. Confined to one thread (the gateway's event loop records and reads it).
 */
public final class LatencyWindow {
    /** Percentiles of the window; NaN when it holds no frame. */
    public record Stats(int frames, int dropped, double framesPerSecond, double dropRate, double p50Ms, double p95Ms, double p99Ms,
                        double inferenceP50Ms, double inferenceP95Ms, double queueP95Ms) {}

    private record Sample(long atNanos, double totalMs, double inferenceMs, double queueMs) {}

    private final long windowNanos;
    private final int maxSamples;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ArrayDeque<Long> drops = new ArrayDeque<>();

    /**
     * @param windowNanos how far back the window reaches
     * @param maxSamples  most frames kept (the oldest go first; bounds memory at high frame rates)
     */
    public LatencyWindow(long windowNanos, int maxSamples) {
        this.windowNanos = windowNanos;
        this.maxSamples = maxSamples;
    }

    /** A prediction was published at {@code nowNanos}; it waited {@code queueMs} for a worker. */
    public void record(long nowNanos, double totalMs, double inferenceMs, double queueMs) {
        samples.addLast(new Sample(nowNanos, totalMs, inferenceMs, queueMs));
        if (samples.size() > maxSamples) {
            samples.removeFirst();
        }
    }

    /** A frame was dropped (back-pressure or shedding) at {@code nowNanos}. */
    public void dropped(long nowNanos) {
        drops.addLast(nowNanos);
        if (drops.size() > maxSamples) {
            drops.removeFirst();
        }
    }

    /** Forgets every frame and drop (after a change of level: the next judgement sees only the new level's frames). */
    public void clear() {
        samples.clear();
        drops.clear();
    }

    /** The window's figures at {@code nowNanos} (older entries are forgotten). */
    public Stats stats(long nowNanos) {
        long from = nowNanos - windowNanos;
        while (!samples.isEmpty() && samples.peekFirst().atNanos() < from) {
            samples.removeFirst();
        }
        while (!drops.isEmpty() && drops.peekFirst() < from) {
            drops.removeFirst();
        }
        int n = samples.size();
        double[] total = new double[n];
        double[] inference = new double[n];
        double[] queue = new double[n];
        int i = 0;
        for (Sample s : samples) {
            total[i] = s.totalMs();
            queue[i] = s.queueMs();
            inference[i++] = s.inferenceMs();
        }
        Arrays.sort(total);
        Arrays.sort(inference);
        Arrays.sort(queue);
        double seconds = windowNanos / 1e9;
        int offered = n + drops.size();
        return new Stats(n, drops.size(), n / seconds, offered == 0 ? 0 : (double) drops.size() / offered, percentile(total, 0.50),
                percentile(total, 0.95), percentile(total, 0.99), percentile(inference, 0.50), percentile(inference, 0.95), percentile(queue, 0.95));
    }

    /** The nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
