package io.hastegw.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.plugin.api.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Back-pressure rules of the intake, without a broker (the flood against Mosquitto is in GatewayLifecycleTest). */
class FrameIntakeTest {
    private static Frame frame(String camera, String id) {
        return frame(camera, id, 0);
    }

    private static Frame frame(String camera, String id, int bytes) {
        return new Frame(camera, id, new byte[bytes], null, Map.of(), null, 0);
    }

    /** Hands out every frame, one at a time, each finishing at once at no cost. */
    private static List<String> drain(FrameIntake intake) {
        return drain(intake, Map.of());
    }

    /** Hands out every frame, one at a time, each camera's frames costing what {@code costs} says (ms). */
    private static List<String> drain(FrameIntake intake, Map<String, Integer> costs) {
        List<String> ids = new ArrayList<>();
        for (var f = intake.next(); f.isPresent(); f = intake.next()) {
            ids.add(f.get().frameId());
            intake.done(f.get().cameraId(), costs.getOrDefault(f.get().cameraId(), 0) * 1_000_000L);
        }
        return ids;
    }

    @Test
    void aFullQueueDropsTheOldestFrameByDefault() {
        FrameIntake intake = new FrameIntake(2, 1, true, 8, Long.MAX_VALUE);
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "1")));
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "2")));
        assertEquals(FrameIntake.Admission.QUEUED_DROPPED_OLDEST, intake.offer(frame("a", "3")));
        assertEquals(List.of("2", "3"), drain(intake));
    }

    @Test
    void dropNewestKeepsTheWaitingFrames() {
        FrameIntake intake = new FrameIntake(2, 1, false, 8, Long.MAX_VALUE);
        intake.offer(frame("a", "1"));
        intake.offer(frame("a", "2"));
        assertEquals(FrameIntake.Admission.DROPPED_NEWEST, intake.offer(frame("a", "3")));
        assertEquals(List.of("1", "2"), drain(intake));
    }

    @Test
    void camerasAreServedRoundRobin() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, Long.MAX_VALUE);
        for (String id : List.of("a1", "a2", "a3")) {
            intake.offer(frame("a", id));
        }
        intake.offer(frame("b", "b1"));
        intake.offer(frame("c", "c1"));
        assertEquals(List.of("a1", "b1", "c1", "a2", "a3"), drain(intake));
    }

    @Test
    void noMoreThanMaxInFlightAreHandedOut() {
        FrameIntake intake = new FrameIntake(4, 2, true, 8, Long.MAX_VALUE);
        for (int i = 0; i < 4; i++) {
            intake.offer(frame("a", "f" + i));
        }
        assertTrue(intake.next().isPresent());
        assertTrue(intake.next().isPresent());
        assertTrue(intake.next().isEmpty(), "two in flight");
        assertEquals(2, intake.inFlight());
        intake.done("a", 0);
        assertTrue(intake.next().isPresent());
    }

    @Test
    void tooManyCamerasAreRefused() {
        FrameIntake intake = new FrameIntake(2, 1, true, 2, Long.MAX_VALUE);
        intake.offer(frame("a", "1"));
        intake.offer(frame("b", "1"));
        assertEquals(FrameIntake.Admission.TOO_MANY_CAMERAS, intake.offer(frame("c", "1")));
        assertEquals(2, intake.queued());
    }

    @Test
    void clearDropsEverythingWaiting() {
        FrameIntake intake = new FrameIntake(2, 1, true, 8, Long.MAX_VALUE);
        intake.offer(frame("a", "1"));
        intake.offer(frame("b", "1"));
        assertEquals(2, intake.clear());
        assertTrue(intake.next().isEmpty());
    }

    @Test
    void aCameraWhoseFramesCostMoreWaitsWhileCheapCamerasAreServed() {
        FrameIntake intake = new FrameIntake(8, 1, true, 8, Long.MAX_VALUE);
        for (int i = 1; i <= 4; i++) {
            intake.offer(frame("huge", "h" + i));
            intake.offer(frame("small", "s" + i));
        }
        // A huge frame takes 100 ms, a small one 10 ms: after the first huge frame the small camera catches up first.
        assertEquals(List.of("h1", "s1", "s2", "s3", "s4", "h2", "h3", "h4"), drain(intake, Map.of("huge", 100, "small", 10)));
    }

    @Test
    void aCameraComingBackAfterSilenceStartsLevelWithTheOthersNotAhead() {
        FrameIntake intake = new FrameIntake(8, 1, true, 8, Long.MAX_VALUE);
        for (int i = 1; i <= 3; i++) {
            intake.offer(frame("busy", "b" + i));
        }
        assertEquals(List.of("b1", "b2", "b3"), drain(intake, Map.of("busy", 10)));
        intake.offer(frame("busy", "b4"));
        intake.offer(frame("new", "n1"));
        intake.offer(frame("new", "n2"));
        // The new camera starts at the virtual time of the last frame served (20 ms), not at 0: it gets one turn
        // before the busy camera's next frame, not a 30 ms credit for the time it was silent.
        assertEquals(List.of("n1", "b4", "n2"), drain(intake, Map.of("busy", 10, "new", 10)));
    }

    @Test
    void framesBeyondTheByteBudgetAreDroppedAndTheBudgetFreesAsFramesLeave() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, 1000);
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "1", 600)));
        assertEquals(FrameIntake.Admission.DROPPED_BYTES, intake.offer(frame("b", "1", 500)));
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("b", "2", 400)));
        assertEquals(1000, intake.queuedBytes());
        assertEquals(List.of("1", "2"), drain(intake));
        assertEquals(0, intake.queuedBytes());
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("b", "3", 1000)));
    }

    @Test
    void replacingTheOldestFrameCountsOnlyTheDifferenceInBytes() {
        FrameIntake intake = new FrameIntake(1, 1, true, 8, 1000);
        intake.offer(frame("a", "1", 900));
        assertEquals(FrameIntake.Admission.QUEUED_DROPPED_OLDEST, intake.offer(frame("a", "2", 950)));
        assertEquals(950, intake.queuedBytes());
        assertEquals(List.of("2"), drain(intake));
    }
}
