package io.hastegw.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Fair shedding by cost: the load is cut to one in k, max-min fairly, so the cameras within their share keep every frame. */
class FrameShedderTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FrameShedder shedder = new FrameShedder(now::get);

    /**
     * {@code seconds} of traffic, 1 ms steps: each camera sends at its frames/s, each served frame costs its ms; shedding
     * one in {@code every}. The frames each camera kept.
     */
    private Map<String, Integer> run(Map<String, int[]> cameras, int seconds, int every) {
        Map<String, Integer> kept = new LinkedHashMap<>();
        for (int ms = 0; ms < seconds * 1000; ms++) {
            now.addAndGet(1_000_000);
            for (Map.Entry<String, int[]> c : cameras.entrySet()) {
                int fps = c.getValue()[0];
                if (ms % (1000 / fps) == 0 && shedder.keep(c.getKey(), every)) {
                    kept.merge(c.getKey(), 1, Integer::sum);
                    shedder.served(c.getKey(), c.getValue()[1] * 1_000_000L);
                }
            }
        }
        return kept;
    }

    @Test
    void aCameraWithinItsFairShareKeepsEveryFrameWhileTheFloodIsShed() {
        // Issue 23 item 2's case: a camera at 10 frames/s beside one flooding at 250 frames/s, the same cost per frame.
        Map<String, int[]> cameras = Map.of("good", new int[] {10, 1}, "flood", new int[] {250, 1});
        run(cameras, 5, 1);
        Map<String, Integer> kept = run(cameras, 10, 2);
        assertEquals(100, kept.get("good"), "the well-behaved camera keeps all of its 100 frames");
        // Half the load is served: 1,300 of 2,600 frames; the flood keeps what the good camera leaves of that half.
        assertTrue(Math.abs(kept.get("flood") - 1200) <= 60, kept.toString());
    }

    @Test
    void expensiveFramesWeighMoreThanCheapOnes() {
        // Same rate, nine times the cost: the expensive camera brings 90 % of the work and is the one shed.
        Map<String, int[]> cameras = Map.of("cheap", new int[] {10, 1}, "heavy", new int[] {10, 9});
        run(cameras, 5, 1);
        Map<String, Integer> kept = run(cameras, 10, 2);
        assertEquals(100, kept.get("cheap"));
        assertTrue(Math.abs(kept.get("heavy") - 44) <= 5, "40 of 90 units of work left for it: 44 % of its 100 frames; " + kept);
    }

    @Test
    void equalCamerasAreShedEqually() {
        Map<String, int[]> cameras = new LinkedHashMap<>(Map.of("a", new int[] {20, 2}, "b", new int[] {20, 2}, "c", new int[] {20, 2}));
        run(cameras, 5, 1);
        Map<String, Integer> kept = run(cameras, 10, 3);
        for (String c : cameras.keySet()) {
            assertTrue(Math.abs(kept.get(c) - 67) <= 3, "one in three of 200 frames each: " + kept);
        }
    }

    @Test
    void servingEveryFrameAgainShedsNothing() {
        Map<String, int[]> cameras = Map.of("c", new int[] {50, 5});
        run(cameras, 3, 4);
        assertEquals(150, run(cameras, 3, 1).get("c"));
    }

    @Test
    void theWaterLevelCutsTheLargestLoadsFirst() {
        assertEquals(1.0, FrameShedder.waterLevel(new double[] {1, 2, 3}, 3), 1e-9, "three even shares of 1");
        assertEquals(2.5, FrameShedder.waterLevel(new double[] {1, 5, 9}, 6), 1e-9, "1 kept whole, 5 left for two");
        assertEquals(Double.MAX_VALUE, FrameShedder.waterLevel(new double[] {1, 2}, 5), "room for everything");
    }
}
