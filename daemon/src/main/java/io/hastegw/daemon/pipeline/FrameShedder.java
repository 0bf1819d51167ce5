package io.hastegw.daemon.pipeline;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Fair frame shedding, by cost: when the controller asks to serve one frame in {@code k}, the
 * gateway serves {@code 1/k} of the work the cameras bring (frames per second x each camera's
 * processing time per frame), shared max-min fairly: the cameras that bring the least keep every
 * frame, and only the ones above the fair share lose frames, each keeping that share. So a flood
 * (many frames, or expensive ones) is shed, and a well-behaved camera within its share is not.
 * Rates are smoothed over {@value #TAU_SECONDS} s, costs over the last frames; the fair share is
 * recomputed at most every {@value #REFRESH_MS} ms. Keyed by camera series (bounded by
 * {@link CameraTracker}); confined to the gateway's event loop.
 */
final class FrameShedder {
    /** Time constant of the cameras' smoothed frame rates. */
    static final double TAU_SECONDS = 2.0;
    /** How often the fair share is recomputed while shedding. */
    static final long REFRESH_MS = 100;
    private static final double TAU_NANOS = TAU_SECONDS * 1e9;

    /** One camera: its smoothed arrivals per second as of {@code at}, its smoothed cost per frame (ns, -1 unknown), its credit. */
    private static final class Camera {
        double rate;
        long at;
        double cost = -1;
        double credit;
    }

    private final Map<String, Camera> cameras = new HashMap<>();
    private final LongSupplier clock;
    private double fairLevel;
    /** The median known cost per frame at the last refresh (1 while none is known): unknown costs count as it. */
    private double medianCost = 1;
    private int fairFor;
    private long fairAt;

    /** @param clock nanoseconds now */
    FrameShedder(LongSupplier clock) {
        this.clock = clock;
    }

    /** Whether this frame of {@code series} is served while the controller serves one frame in {@code every}. */
    boolean keep(String series, int every) {
        long now = clock.getAsLong();
        Camera c = cameras.computeIfAbsent(series, s -> {
            Camera fresh = new Camera();
            fresh.at = now;
            return fresh;
        });
        c.rate = decayed(c, now) + 1 / TAU_SECONDS;
        c.at = now;
        if (every <= 1) {
            c.credit = 0;
            return true;
        }
        if (every != fairFor || now - fairAt > REFRESH_MS * 1_000_000) {
            fairLevel = fairLevel(every, now);
            fairFor = every;
            fairAt = now;
        }
        double mine = c.rate * costOrMedian(c);
        // The camera's share of its own frames (1 within the fair share), paid out as a credit: a frame goes when a whole one is due.
        c.credit += mine <= 0 ? 1 : Math.min(1, fairLevel / mine);
        if (c.credit >= 1 - 1e-9) {
            c.credit -= 1;
            return true;
        }
        return false;
    }

    /** A frame of {@code series} took {@code costNanos} to process. */
    void served(String series, long costNanos) {
        Camera c = cameras.get(series);
        if (c != null && costNanos > 0) {
            c.cost = c.cost < 0 ? costNanos : (3 * c.cost + costNanos) / 4;
        }
    }

    /** The load level every camera may keep when the total is cut to one in {@code every}: max-min fair (water-filling). */
    private double fairLevel(int every, long now) {
        double[] known = cameras.values().stream().mapToDouble(k -> k.cost).filter(k -> k > 0).sorted().toArray();
        medianCost = known.length == 0 ? 1 : known[(known.length - 1) / 2];
        double[] loads = new double[cameras.size()];
        int i = 0;
        double total = 0;
        for (Camera c : cameras.values()) {
            loads[i] = decayed(c, now) * costOrMedian(c);
            total += loads[i++];
        }
        Arrays.sort(loads);
        return waterLevel(loads, total / every);
    }

    /** The level T at which {@code sortedLoads}, each cut to at most T, add up to {@code capacity}. */
    static double waterLevel(double[] sortedLoads, double capacity) {
        double left = capacity;
        for (int i = 0; i < sortedLoads.length; i++) {
            double even = left / (sortedLoads.length - i);
            if (sortedLoads[i] >= even) {
                return even;
            }
            left -= sortedLoads[i];
        }
        return Double.MAX_VALUE;
    }

    /** A camera's cost, or the median known one while its own is unknown. */
    private double costOrMedian(Camera c) {
        return c.cost > 0 ? c.cost : medianCost;
    }

    private static double decayed(Camera c, long now) {
        return c.rate * Math.exp(-(now - c.at) / TAU_NANOS);
    }

    /** Forgets a camera gone idle. */
    void forget(String series) {
        cameras.remove(series);
    }
}
