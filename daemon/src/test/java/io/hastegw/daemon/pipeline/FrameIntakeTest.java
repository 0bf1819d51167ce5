package io.hastegw.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.plugin.api.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Back-pressure rules of the intake, without a broker (the flood against Mosquitto is in GatewayLifecycleTest). */
class FrameIntakeTest {
    private static final long HEAVY_PIXELS = 10_000_000;

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

    /** Hands out every frame, one at a time, each camera's frames costing what {@code costs} says (ms), each predicted. */
    private static List<String> drain(FrameIntake intake, Map<String, Integer> costs) {
        List<String> ids = new ArrayList<>();
        for (var d = intake.next(); d.isPresent(); d = intake.next()) {
            ids.add(d.get().frame().frameId());
            finish(intake, d.get(), costs.getOrDefault(d.get().frame().cameraId(), 0), true);
        }
        return ids;
    }

    private static void finish(FrameIntake intake, FrameIntake.Dispatch d, int ms, boolean predicted) {
        intake.done(d, ms * 1_000_000L, predicted);
    }

    @Test
    void aFullQueueDropsTheOldestFrameByDefault() {
        FrameIntake intake = new FrameIntake(2, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "1"), Optional.empty(), 0));
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "2"), Optional.empty(), 0));
        assertEquals(FrameIntake.Admission.QUEUED_DROPPED_OLDEST, intake.offer(frame("a", "3"), Optional.empty(), 0));
        assertEquals(List.of("2", "3"), drain(intake));
    }

    @Test
    void dropNewestKeepsTheWaitingFrames() {
        FrameIntake intake = new FrameIntake(2, 1, false, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        intake.offer(frame("a", "1"), Optional.empty(), 0);
        intake.offer(frame("a", "2"), Optional.empty(), 0);
        assertEquals(FrameIntake.Admission.DROPPED_NEWEST, intake.offer(frame("a", "3"), Optional.empty(), 0));
        assertEquals(List.of("1", "2"), drain(intake));
    }

    @Test
    void camerasAreServedRoundRobin() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        for (String id : List.of("a1", "a2", "a3")) {
            intake.offer(frame("a", id), Optional.empty(), 0);
        }
        intake.offer(frame("b", "b1"), Optional.empty(), 0);
        intake.offer(frame("c", "c1"), Optional.empty(), 0);
        assertEquals(List.of("a1", "b1", "c1", "a2", "a3"), drain(intake));
    }

    @Test
    void noMoreThanMaxInFlightAreHandedOut() {
        FrameIntake intake = new FrameIntake(4, 2, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        for (int i = 0; i < 4; i++) {
            intake.offer(frame("a", "f" + i), Optional.empty(), 0);
        }
        var held = intake.next().orElseThrow();
        assertTrue(intake.next().isPresent());
        assertTrue(intake.next().isEmpty(), "two in flight");
        assertEquals(2, intake.inFlight());
        finish(intake, held, 0, true);
        assertTrue(intake.next().isPresent());
    }

    @Test
    void tooManyCamerasAreRefused() {
        FrameIntake intake = new FrameIntake(2, 1, true, 2, Long.MAX_VALUE, HEAVY_PIXELS);
        intake.offer(frame("a", "1"), Optional.empty(), 0);
        intake.offer(frame("b", "1"), Optional.empty(), 0);
        assertEquals(FrameIntake.Admission.TOO_MANY_CAMERAS, intake.offer(frame("c", "1"), Optional.empty(), 0));
        assertEquals(2, intake.queued());
    }

    @Test
    void aNewCameraTakesTheSlotOfTheWaitingCameraServedMostSoAdmissionRotates() {
        FrameIntake intake = new FrameIntake(2, 1, true, 2, Long.MAX_VALUE, HEAVY_PIXELS);
        intake.offer(frame("a", "1"), Optional.empty(), 0);
        intake.offer(frame("b", "1"), Optional.empty(), 0);
        FrameIntake.Dispatch served = intake.next().orElseThrow();
        assertEquals("a", served.frame().cameraId());
        finish(intake, served, 10, true);
        intake.offer(frame("a", "2"), Optional.empty(), 0);
        assertEquals(FrameIntake.Admission.QUEUED_EVICTED_OTHER, intake.offer(frame("c", "1"), Optional.empty(), 0),
                "c has not been served: it takes the place of a, served 10 ms ahead");
        assertEquals(List.of("2"), intake.takeEvicted().stream().map(f -> f.frameId()).toList());
        assertEquals(List.of(), intake.takeEvicted(), "handed out once");
        assertEquals(2, intake.queued());
        assertEquals(FrameIntake.Admission.TOO_MANY_CAMERAS, intake.offer(frame("d", "1"), Optional.empty(), 0),
                "b and c have not been served either: d waits for a free slot");
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FrameIntake.Dispatch d = intake.next().orElseThrow();
            next.add(d.frame().cameraId());
            finish(intake, d, 10, true);
        }
        assertEquals(List.of("b", "c"), next);
    }

    @Test
    void clearDropsEverythingWaiting() {
        FrameIntake intake = new FrameIntake(2, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        intake.offer(frame("a", "1"), Optional.empty(), 0);
        intake.offer(frame("b", "1"), Optional.empty(), 0);
        assertEquals(2, intake.clear());
        assertTrue(intake.next().isEmpty());
    }

    @Test
    void aCameraWhoseFramesCostMoreWaitsWhileCheapCamerasAreServed() {
        FrameIntake intake = new FrameIntake(8, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        for (int i = 1; i <= 4; i++) {
            intake.offer(frame("huge", "h" + i), Optional.empty(), 0);
            intake.offer(frame("small", "s" + i), Optional.empty(), 0);
        }
        // A huge frame takes 100 ms, a small one 10 ms: after the first huge frame the small camera catches up first.
        assertEquals(List.of("h1", "s1", "s2", "s3", "s4", "h2", "h3", "h4"), drain(intake, Map.of("huge", 100, "small", 10)));
    }

    @Test
    void aCameraComingBackAfterSilenceStartsLevelWithTheOthersNotAhead() {
        FrameIntake intake = new FrameIntake(8, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        for (int i = 1; i <= 3; i++) {
            intake.offer(frame("busy", "b" + i), Optional.empty(), 0);
        }
        assertEquals(List.of("b1", "b2", "b3"), drain(intake, Map.of("busy", 10)));
        intake.offer(frame("busy", "b4"), Optional.empty(), 0);
        intake.offer(frame("new", "n1"), Optional.empty(), 0);
        intake.offer(frame("new", "n2"), Optional.empty(), 0);
        // The new camera starts at the virtual time of the last frame served (20 ms), not at 0: it gets one turn
        // before the busy camera's next frame, not a 30 ms credit for the time it was silent.
        assertEquals(List.of("n1", "b4", "n2"), drain(intake, Map.of("busy", 10, "new", 10)));
    }

    @Test
    void framesBeyondTheByteBudgetAreDroppedAndTheBudgetFreesAsFramesLeave() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, 1000, HEAVY_PIXELS);
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "1", 600), Optional.empty(), 0));
        assertEquals(FrameIntake.Admission.DROPPED_BYTES, intake.offer(frame("b", "1", 500), Optional.empty(), 0));
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("b", "2", 400), Optional.empty(), 0));
        assertEquals(1000, intake.queuedBytes());
        assertEquals(List.of("1", "2"), drain(intake));
        assertEquals(0, intake.queuedBytes());
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("b", "3", 1000), Optional.empty(), 0));
    }

    @Test
    void replacingTheOldestFrameCountsOnlyTheDifferenceInBytes() {
        FrameIntake intake = new FrameIntake(1, 1, true, 8, 1000, HEAVY_PIXELS);
        intake.offer(frame("a", "1", 900), Optional.empty(), 0);
        assertEquals(FrameIntake.Admission.QUEUED_DROPPED_OLDEST, intake.offer(frame("a", "2", 950), Optional.empty(), 0));
        assertEquals(950, intake.queuedBytes());
        assertEquals(List.of("2"), drain(intake));
    }

    @Test
    void aFrameDeclaringMorePixelsThanTheLimitGoesToTheHeavyLaneBesideTheNormalOne() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        intake.offer(frame("huge", "h1"), Optional.empty(), 32_490_000);
        intake.offer(frame("huge", "h2"), Optional.empty(), 32_490_000);
        intake.offer(frame("small", "s1"), Optional.empty(), 1024);
        intake.offer(frame("small", "s2"), Optional.empty(), 1024);
        var first = intake.next().orElseThrow();
        var second = intake.next().orElseThrow();
        assertEquals(List.of("h1", true, "s1", false), List.of(first.frame().frameId(), first.heavy(), second.frame().frameId(), second.heavy()));
        assertTrue(intake.next().isEmpty(), "the heavy lane takes one frame, the normal lane max_in_flight");
        finish(intake, second, 5, true);
        assertEquals("s2", intake.next().orElseThrow().frame().frameId(), "the small camera goes on while the huge frame decodes");
        assertEquals(3, intake.inFlight() + 1, "h1 and s2 in flight");
    }

    @Test
    void aCameraWhoseFramesCostManyTimesTheTypicalOnesBecomesHeavy() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        intake.offer(frame("slow", "x1"), Optional.empty(), 0);
        intake.offer(frame("fast", "f1"), Optional.empty(), 0);
        drain(intake, Map.of("slow", 150, "fast", 5));
        intake.offer(frame("slow", "x2"), Optional.empty(), 0);
        intake.offer(frame("fast", "f2"), Optional.empty(), 0);
        // Both go at once, with one frame in flight allowed: the slow camera's in the heavy lane.
        var first = intake.next().orElseThrow();
        var second = intake.next().orElseThrow();
        assertEquals(Map.of("x2", true, "f2", false), Map.of(first.frame().frameId(), first.heavy(), second.frame().frameId(), second.heavy()));
    }

    @Test
    void camerasSendingRejectedGarbageDoNotMakeTheOthersHeavy() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8, Long.MAX_VALUE, HEAVY_PIXELS);
        for (String camera : List.of("g1", "g2", "g3", "model")) {
            intake.offer(frame(camera, camera), Optional.empty(), 0);
        }
        for (var d = intake.next(); d.isPresent(); d = intake.next()) {
            boolean garbage = d.get().frame().cameraId().startsWith("g");
            finish(intake, d.get(), garbage ? 0 : 30, !garbage);
        }
        intake.offer(frame("model", "m2"), Optional.empty(), 0);
        assertFalse(intake.next().orElseThrow().heavy(), "30 ms frames are what is typical here, however cheap the rejected ones");
    }
}
