package io.hastegw.daemon.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Percentiles, frame rate and drop rate over a sliding window, on a simulated clock. */
class LatencyWindowTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void percentilesAreNearestRankOverTheWindow() {
        LatencyWindow w = new LatencyWindow(10 * SECOND, 1000);
        for (int i = 1; i <= 100; i++) {
            w.record(i * SECOND / 20, i, i / 2.0, i / 4.0);
        }
        LatencyWindow.Stats s = w.stats(5 * SECOND);
        assertEquals(100, s.frames());
        assertEquals(50, s.p50Ms());
        assertEquals(95, s.p95Ms());
        assertEquals(99, s.p99Ms());
        assertEquals(47.5, s.inferenceP95Ms());
        assertEquals(23.75, s.queueP95Ms());
        assertEquals(10.0, s.framesPerSecond());
    }

    @Test
    void oldFramesLeaveTheWindow() {
        LatencyWindow w = new LatencyWindow(10 * SECOND, 1000);
        w.record(0, 500, 500, 0);
        w.record(8 * SECOND, 5, 5, 0);
        assertEquals(500, w.stats(9 * SECOND).p95Ms());
        assertEquals(5, w.stats(11 * SECOND).p95Ms());
        assertTrue(Double.isNaN(w.stats(30 * SECOND).p95Ms()));
    }

    @Test
    void theDropRateIsDropsOverArrivals() {
        LatencyWindow w = new LatencyWindow(10 * SECOND, 1000);
        for (int i = 0; i < 6; i++) {
            w.record(i, 1, 1, 0);
        }
        w.dropped(7);
        w.dropped(8);
        assertEquals(0.25, w.stats(9).dropRate());
        assertEquals(2, w.stats(9).dropped());
    }

    @Test
    void clearingStartsAfreshAndMemoryIsBounded() {
        LatencyWindow w = new LatencyWindow(10 * SECOND, 3);
        for (int i = 0; i < 10; i++) {
            w.record(i, i, i, 0);
        }
        assertEquals(3, w.stats(10).frames());
        w.clear();
        assertEquals(0, w.stats(10).frames());
    }
}
