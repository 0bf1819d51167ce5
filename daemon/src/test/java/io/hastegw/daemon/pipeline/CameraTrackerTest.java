package io.hastegw.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Camera ids are measured in characters (code points), as operators count them, not in UTF-16 units. */
class CameraTrackerTest {
    private final CameraTracker tracker = new CameraTracker(32, 100, 1_000_000_000L, System::nanoTime);

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
