package io.hastegw.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Camera ids are measured in characters (code points), as operators count them, not in UTF-16
 * units; when the series are full, cameras that never had a prediction make room for newcomers.
 */
class CameraTrackerTest {
    private final List<String> displaced = new ArrayList<>();
    private final long[] now = {0};
    private final CameraTracker tracker = new CameraTracker(32, 100, 1_000_000_000L, System::nanoTime, displaced::add);
    private final CameraTracker three = new CameraTracker(32, 3, 1_000_000_000_000L, () -> now[0], displaced::add);

    private String seen(String camera) {
        now[0] += 1_000;
        return three.series(camera);
    }

    @Test
    void whenFullANewcomerDisplacesTheLeastRecentlySeenCameraThatNeverHadAPrediction() {
        seen("junk-1");
        seen("real");
        seen("junk-2");
        three.predicted("real");
        seen("real");
        assertEquals("newcomer", seen("newcomer"));
        assertEquals(List.of("junk-1"), displaced);
        assertEquals("junk-3", seen("junk-3"));
        assertEquals(List.of("junk-1", "junk-2"), displaced);
        assertEquals("real", seen("real"), "a camera with predictions keeps its series");
        assertEquals(3, three.tracked());
    }

    @Test
    void whenEveryTrackedCameraHadAPredictionANewcomerIsCountedAsOther() {
        for (String c : List.of("a", "b", "c")) {
            seen(c);
            three.predicted(c);
        }
        assertEquals(CameraTracker.OTHER, seen("d"));
        assertEquals(List.of(), displaced);
        three.predicted("d");
        assertEquals(CameraTracker.OTHER, seen("d"), "a prediction counted as other does not make it tracked");
    }

    @Test
    void thirtyTwoEmojiAreThirtyTwoCharacters() {
        assertEquals(Optional.empty(), tracker.refusal("\uD83D\uDCF7".repeat(32)));
    }

    @Test
    void aLongerIdIsRefusedWithItsLengthInCharactersAndNoHalfCharacterShown() {
        String camera = "\uD83D\uDCF7".repeat(33);
        assertEquals(Optional.of("camera id of 33 characters ('" + "\uD83D\uDCF7".repeat(16) + "...'); allowed: up to 32 "
                + "(pipeline.max_camera_id_length)"), tracker.refusal(camera));
    }
}
