package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Frame;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Back-pressure between MQTT and the workers: a bounded queue per camera and a global limit of
 * frames in flight. When a camera's queue is full the oldest (default) or the newest frame is
 * dropped; cameras are served round-robin so one busy camera cannot starve the others. Memory is
 * bounded by max cameras x queue length x max payload. Confined to one Vert.x context: no locks.
 */
public final class FrameIntake {
    /** What happened to an offered frame. */
    public enum Admission {
        /** Queued. */
        QUEUED,
        /** Queued, and the camera's oldest waiting frame was dropped to make room. */
        QUEUED_DROPPED_OLDEST,
        /** Not queued: the camera's queue is full and the policy drops the newest. */
        DROPPED_NEWEST,
        /** Not queued: too many distinct cameras have frames waiting. */
        TOO_MANY_CAMERAS
    }

    private final int perCamera;
    private final int maxInFlight;
    private final boolean dropOldest;
    private final int maxCameras;
    private final Map<String, ArrayDeque<Frame>> queues = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    // Written only on the owning context; volatile so /health and metrics can read them from elsewhere.
    private volatile int inFlight;
    private volatile int queued;

    /**
     * @param perCamera   frames waiting per camera
     * @param maxInFlight frames processed at once
     * @param dropOldest  drop the oldest waiting frame when full (else drop the newest)
     * @param maxCameras  cameras with waiting frames at once
     */
    public FrameIntake(int perCamera, int maxInFlight, boolean dropOldest, int maxCameras) {
        this.perCamera = perCamera;
        this.maxInFlight = maxInFlight;
        this.dropOldest = dropOldest;
        this.maxCameras = maxCameras;
    }

    /** Offers a frame. */
    public Admission offer(Frame frame) {
        ArrayDeque<Frame> q = queues.get(frame.cameraId());
        if (q == null) {
            if (queues.size() >= maxCameras) {
                return Admission.TOO_MANY_CAMERAS;
            }
            q = new ArrayDeque<>(perCamera);
            queues.put(frame.cameraId(), q);
            ready.add(frame.cameraId());
        }
        if (q.size() < perCamera) {
            q.add(frame);
            queued++;
            return Admission.QUEUED;
        }
        if (!dropOldest) {
            return Admission.DROPPED_NEWEST;
        }
        q.poll();
        q.add(frame);
        return Admission.QUEUED_DROPPED_OLDEST;
    }

    /** The next frame to process, if a slot is free and a frame waits; the caller must call {@link #done()} after it. */
    public Optional<Frame> next() {
        if (inFlight >= maxInFlight || ready.isEmpty()) {
            return Optional.empty();
        }
        String camera = ready.poll();
        ArrayDeque<Frame> q = queues.get(camera);
        Frame frame = q.poll();
        queued--;
        if (q.isEmpty()) {
            queues.remove(camera);
        } else {
            ready.add(camera);
        }
        inFlight++;
        return Optional.of(frame);
    }

    /** A frame handed out by {@link #next()} has finished. */
    public void done() {
        inFlight--;
    }

    /** Removes every waiting frame (shutdown); returns how many. */
    public int clear() {
        int n = queued;
        queues.clear();
        ready.clear();
        queued = 0;
        return n;
    }

    /** Frames waiting. */
    public int queued() {
        return queued;
    }

    /** Frames being processed. */
    public int inFlight() {
        return inFlight;
    }
}
