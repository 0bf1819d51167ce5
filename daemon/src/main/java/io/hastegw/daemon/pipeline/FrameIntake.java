package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Frame;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Back-pressure and fairness between MQTT and the workers: a bounded queue per camera, a bound
 * on the payload bytes waiting in all queues together, and a global limit of frames in flight.
 * When a camera's queue is full the oldest (default) or the newest frame is dropped.
 *
 * <p>Cameras share the workers by the time their frames take, not by frame count (start-time
 * fair queueing): each camera has a virtual clock that advances by the measured processing time
 * of its frames, and the next frame comes from the waiting camera whose clock is furthest behind.
 * A camera sending expensive frames (huge images) thus waits while cheap cameras are served, and
 * cannot starve them. Memory is bounded by the byte budget and max cameras x queue length.
 * Confined to one Vert.x context: no locks.
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
        /** Not queued: the queues together hold their byte budget. */
        DROPPED_BYTES,
        /** Not queued: too many distinct cameras have frames waiting. */
        TOO_MANY_CAMERAS
    }

    private final int perCamera;
    private final int maxInFlight;
    private final boolean dropOldest;
    private final int maxCameras;
    private final long maxQueuedBytes;
    /** Cameras with waiting frames, in the order they last got a turn (ties go to the one waiting longest). */
    private final LinkedHashMap<String, ArrayDeque<Frame>> queues = new LinkedHashMap<>();
    /** Each recently served camera's virtual clock (ns of processing); bounded, the least recently served forgotten first. */
    private final Map<String, Long> clocks;
    private long virtualNow;
    private long queuedBytes;
    // Written only on the owning context; volatile so /health and metrics can read them from elsewhere.
    private volatile int inFlight;
    private volatile int queued;

    /**
     * @param perCamera      frames waiting per camera
     * @param maxInFlight    frames processed at once
     * @param dropOldest     drop the oldest waiting frame when full (else drop the newest)
     * @param maxCameras     cameras with waiting frames at once
     * @param maxQueuedBytes payload bytes waiting in all queues together
     */
    public FrameIntake(int perCamera, int maxInFlight, boolean dropOldest, int maxCameras, long maxQueuedBytes) {
        this.perCamera = perCamera;
        this.maxInFlight = maxInFlight;
        this.dropOldest = dropOldest;
        this.maxCameras = maxCameras;
        this.maxQueuedBytes = maxQueuedBytes;
        int remembered = maxCameras + maxInFlight;
        this.clocks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > remembered;
            }
        };
    }

    /** Offers a frame. */
    public Admission offer(Frame frame) {
        ArrayDeque<Frame> q = queues.get(frame.cameraId());
        boolean replace = q != null && q.size() >= perCamera;
        if (replace && !dropOldest) {
            return Admission.DROPPED_NEWEST;
        }
        long freed = replace ? q.peek().payload().length : 0;
        if (queuedBytes - freed + frame.payload().length > maxQueuedBytes) {
            return Admission.DROPPED_BYTES;
        }
        if (q == null) {
            if (queues.size() >= maxCameras) {
                return Admission.TOO_MANY_CAMERAS;
            }
            q = new ArrayDeque<>(perCamera);
            queues.put(frame.cameraId(), q);
        }
        queuedBytes += frame.payload().length - freed;
        if (replace) {
            q.poll();
            q.add(frame);
            return Admission.QUEUED_DROPPED_OLDEST;
        }
        q.add(frame);
        queued++;
        return Admission.QUEUED;
    }

    /** The next frame to process, if a slot is free and a frame waits; the caller must call {@link #done} after it. */
    public Optional<Frame> next() {
        if (inFlight >= maxInFlight || queues.isEmpty()) {
            return Optional.empty();
        }
        String camera = null;
        long start = Long.MAX_VALUE;
        for (String c : queues.keySet()) {
            long s = Math.max(virtualNow, clocks.getOrDefault(c, 0L));
            if (s < start) {
                start = s;
                camera = c;
            }
        }
        virtualNow = start;
        clocks.put(camera, start);
        ArrayDeque<Frame> q = queues.remove(camera);
        Frame frame = q.poll();
        if (!q.isEmpty()) {
            queues.put(camera, q);
        }
        queued--;
        queuedBytes -= frame.payload().length;
        inFlight++;
        return Optional.of(frame);
    }

    /** A frame of {@code camera} handed out by {@link #next()} has finished after {@code costNanos} of processing. */
    public void done(String camera, long costNanos) {
        inFlight--;
        clocks.computeIfPresent(camera, (c, clock) -> clock + Math.max(0, costNanos));
    }

    /** Removes every waiting frame (shutdown); returns how many. */
    public int clear() {
        int n = queued;
        queues.clear();
        queued = 0;
        queuedBytes = 0;
        return n;
    }

    /** Frames waiting. */
    public int queued() {
        return queued;
    }

    /** Payload bytes waiting. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** Frames being processed. */
    public int inFlight() {
        return inFlight;
    }
}
