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
        return new Frame(camera, id, new byte[0], null, Map.of(), null, 0);
    }

    private static List<String> drain(FrameIntake intake) {
        List<String> ids = new ArrayList<>();
        for (var f = intake.next(); f.isPresent(); f = intake.next()) {
            ids.add(f.get().frameId());
            intake.done();
        }
        return ids;
    }

    @Test
    void aFullQueueDropsTheOldestFrameByDefault() {
        FrameIntake intake = new FrameIntake(2, 1, true, 8);
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "1")));
        assertEquals(FrameIntake.Admission.QUEUED, intake.offer(frame("a", "2")));
        assertEquals(FrameIntake.Admission.QUEUED_DROPPED_OLDEST, intake.offer(frame("a", "3")));
        assertEquals(List.of("2", "3"), drain(intake));
    }

    @Test
    void dropNewestKeepsTheWaitingFrames() {
        FrameIntake intake = new FrameIntake(2, 1, false, 8);
        intake.offer(frame("a", "1"));
        intake.offer(frame("a", "2"));
        assertEquals(FrameIntake.Admission.DROPPED_NEWEST, intake.offer(frame("a", "3")));
        assertEquals(List.of("1", "2"), drain(intake));
    }

    @Test
    void camerasAreServedRoundRobin() {
        FrameIntake intake = new FrameIntake(4, 1, true, 8);
        for (String id : List.of("a1", "a2", "a3")) {
            intake.offer(frame("a", id));
        }
        intake.offer(frame("b", "b1"));
        intake.offer(frame("c", "c1"));
        assertEquals(List.of("a1", "b1", "c1", "a2", "a3"), drain(intake));
    }

    @Test
    void noMoreThanMaxInFlightAreHandedOut() {
        FrameIntake intake = new FrameIntake(4, 2, true, 8);
        for (int i = 0; i < 4; i++) {
            intake.offer(frame("a", "f" + i));
        }
        assertTrue(intake.next().isPresent());
        assertTrue(intake.next().isPresent());
        assertTrue(intake.next().isEmpty(), "two in flight");
        assertEquals(2, intake.inFlight());
        intake.done();
        assertTrue(intake.next().isPresent());
    }

    @Test
    void tooManyCamerasAreRefused() {
        FrameIntake intake = new FrameIntake(2, 1, true, 2);
        intake.offer(frame("a", "1"));
        intake.offer(frame("b", "1"));
        assertEquals(FrameIntake.Admission.TOO_MANY_CAMERAS, intake.offer(frame("c", "1")));
        assertEquals(2, intake.queued());
    }

    @Test
    void clearDropsEverythingWaiting() {
        FrameIntake intake = new FrameIntake(2, 1, true, 8);
        intake.offer(frame("a", "1"));
        intake.offer(frame("b", "1"));
        assertEquals(2, intake.clear());
        assertTrue(intake.next().isEmpty());
    }
}
