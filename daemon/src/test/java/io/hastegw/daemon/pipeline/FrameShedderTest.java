package io.hastegw.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fair shedding: every camera keeps one frame in k of its own, whatever the others send. */
class FrameShedderTest {
    @Test
    void everyCameraKeepsOneFrameInKOfItsOwn() {
        FrameShedder shedder = new FrameShedder();
        Map<String, Integer> sent = new LinkedHashMap<>(Map.of("busy", 90, "normal", 30, "quiet", 3));
        Map<String, Integer> kept = new LinkedHashMap<>();
        int shed = 0;
        // Interleaved as they would arrive: the busy camera sends 30 frames for every one of the quiet camera's.
        for (int i = 0; i < 90; i++) {
            for (String camera : sent.keySet()) {
                int every = camera.equals("busy") ? 1 : camera.equals("normal") ? 3 : 30;
                if (i % every == 0) {
                    if (shedder.keep(camera, 3)) {
                        kept.merge(camera, 1, Integer::sum);
                    } else {
                        shed++;
                    }
                }
            }
        }
        assertEquals(Map.of("busy", 30, "normal", 10, "quiet", 1), kept);
        assertEquals(90 + 30 + 3 - 41, shed);
    }

    @Test
    void servingEveryFrameAgainShedsNothingAndStartsCountingAfresh() {
        FrameShedder shedder = new FrameShedder();
        assertTrue(shedder.keep("c", 2));
        assertTrue(!shedder.keep("c", 2), "the one frame shed");
        for (int i = 0; i < 5; i++) {
            assertTrue(shedder.keep("c", 1));
        }
        assertTrue(shedder.keep("c", 2), "the first frame after shedding resumes is served");
    }
}
