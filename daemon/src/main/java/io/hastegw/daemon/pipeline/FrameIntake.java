package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Back-pressure and fairness between MQTT and the workers: a bounded queue per camera, a bound
 * on the payload bytes waiting in all queues together, and limits on frames in flight. When a
 * camera's queue is full the oldest (default) or the newest frame is dropped.
 *
 * <p>Cameras share the workers by the time their frames take, not by frame count (start-time
 * fair queueing): each camera has a virtual clock that advances by the measured processing time
 * of its frames, and the next frame comes from the waiting camera whose clock is furthest behind.
 * When {@code maxCameras} cameras already have frames waiting, a new camera takes the place of the
 * waiting camera whose clock is furthest ahead (the one served most), if its own clock is behind
 * that one's; a camera refused for want of room keeps the virtual time of its first refusal, so it
 * falls behind while others are served and gets in at its next frame. The cameras admitted rotate
 * instead of the same ones starving round after round; the frames dropped to make room are handed
 * out by {@link #takeEvicted()}.
 *
 * <p>Expensive frames go to a <em>heavy lane</em> of their own (one frame at a time, on its own
 * worker), so they never make a cheap frame wait behind them: a frame is heavy when its header
 * declares more than {@code heavyPixels} pixels, or when its camera's frames have recently cost
 * more than {@value #HEAVY_FLOOR_MS} ms and more than {@value #HEAVY_FACTOR} times the typical
 * camera's (the lower median over the cameras whose last frame was predicted; cameras sending
 * rejected garbage do not set what is typical). Memory is bounded by the byte budget and max cameras x queue
 * length. Confined to one Vert.x context: no locks.
 */
public final class FrameIntake {
    /** How many times the typical camera's cost makes a camera's frames heavy. */
    static final int HEAVY_FACTOR = 4;
    /** Below this cost (ms) no frame is heavy, whatever the ratio. */
    static final int HEAVY_FLOOR_MS = 20;

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
        /** Queued in place of another camera's waiting frames (served more than this one; see {@link #takeEvicted()}). */
        QUEUED_EVICTED_OTHER,
        /** Not queued: too many distinct cameras have frames waiting, none of them served more than this one. */
        TOO_MANY_CAMERAS
    }

    /**
     * A frame handed out for processing.
     *
     * @param frame  the frame
     * @param format its format as sniffed when it was admitted (empty: none known)
     * @param heavy  whether it goes to the heavy lane
     */
    public record Dispatch(Frame frame, Optional<String> format, boolean heavy) {}

    /** A frame waiting, with its format and the pixel count its header declares. */
    private record Waiting(Frame frame, Optional<String> format, long pixels) {}

    /** A recently served camera: its virtual clock, the smoothed cost of its frames (ns), whether its last frame was predicted. */
    private static final class Served {
        long clock;
        long cost = -1;
        boolean predicted;
    }

    private final int perCamera;
    private final int maxInFlight;
    private final boolean dropOldest;
    private final int maxCameras;
    private final long maxQueuedBytes;
    private final long heavyPixels;
    /** Cameras with waiting frames, in the order they last got a turn (ties go to the one waiting longest). */
    private final LinkedHashMap<String, ArrayDeque<Waiting>> queues = new LinkedHashMap<>();
    /**
     * Cameras refused or evicted for want of room and not served since, with their virtual time then
     * (bounded, oldest forgotten first): they keep that place while others are served.
     */
    private final LinkedHashMap<String, Long> refusedAt;
    /** Frames dropped to make room for another camera, not yet taken by {@link #takeEvicted()}. */
    private final List<Frame> evictedFrames = new ArrayList<>();
    /** Recently served cameras; bounded, the least recently served forgotten first. */
    private final Map<String, Served> served;
    private long virtualNow;
    private long queuedBytes;
    private boolean heavyBusy;
    // Written only on the owning context; volatile so /health and metrics can read them from elsewhere.
    private volatile int inFlight;
    private volatile int queued;

    /**
     * @param perCamera      frames waiting per camera
     * @param maxInFlight    frames processed at once in the normal lane (the heavy lane adds one)
     * @param dropOldest     drop the oldest waiting frame when full (else drop the newest)
     * @param maxCameras     cameras with waiting frames at once
     * @param maxQueuedBytes payload bytes waiting in all queues together
     * @param heavyPixels    a frame declaring more pixels than this goes to the heavy lane
     */
    public FrameIntake(int perCamera, int maxInFlight, boolean dropOldest, int maxCameras, long maxQueuedBytes, long heavyPixels) {
        this.perCamera = perCamera;
        this.maxInFlight = maxInFlight;
        this.dropOldest = dropOldest;
        this.maxCameras = maxCameras;
        this.maxQueuedBytes = maxQueuedBytes;
        this.heavyPixels = heavyPixels;
        int remembered = maxCameras + maxInFlight + 1;
        this.served = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Served> eldest) {
                return size() > remembered;
            }
        };
        int refusals = Math.max(1024, 4 * maxCameras);
        this.refusedAt = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > refusals;
            }
        };
    }

    /** Offers a frame of {@code format} whose header declares {@code pixels} pixels (0 when unknown). */
    public Admission offer(Frame frame, Optional<String> format, long pixels) {
        ArrayDeque<Waiting> q = queues.get(frame.cameraId());
        boolean replace = q != null && q.size() >= perCamera;
        if (replace && !dropOldest) {
            return Admission.DROPPED_NEWEST;
        }
        long freed = replace ? q.peek().frame().payload().length : 0;
        if (queuedBytes - freed + frame.payload().length > maxQueuedBytes) {
            return Admission.DROPPED_BYTES;
        }
        boolean evicted = false;
        if (q == null) {
            if (queues.size() >= maxCameras) {
                if (!evictFor(frame.cameraId())) {
                    refusedAt.putIfAbsent(frame.cameraId(), clockOf(frame.cameraId()));
                    return Admission.TOO_MANY_CAMERAS;
                }
                evicted = true;
            }
            q = new ArrayDeque<>(perCamera);
            queues.put(frame.cameraId(), q);
        }
        queuedBytes += frame.payload().length - freed;
        if (replace) {
            q.poll();
            q.add(new Waiting(frame, format, pixels));
            return Admission.QUEUED_DROPPED_OLDEST;
        }
        q.add(new Waiting(frame, format, pixels));
        queued++;
        return evicted ? Admission.QUEUED_EVICTED_OTHER : Admission.QUEUED;
    }

    /**
     * Makes room for {@code newcomer} by dropping the waiting frames of the camera whose virtual
     * clock is furthest ahead, when the newcomer's is behind it; false when no camera is ahead.
     */
    private boolean evictFor(String newcomer) {
        long mine = place(newcomer);
        String ahead = null;
        long most = mine;
        for (String camera : queues.keySet()) {
            long t = place(camera);
            if (t > most) {
                most = t;
                ahead = camera;
            }
        }
        if (ahead == null) {
            return false;
        }
        refusedAt.putIfAbsent(ahead, clockOf(ahead));
        for (Waiting w : queues.remove(ahead)) {
            evictedFrames.add(w.frame());
            queued--;
            queuedBytes -= w.frame().payload().length;
        }
        return true;
    }

    /** Where {@code camera} stands in the fair queue: its virtual clock, or now when it has none (never served, or forgotten). */
    private long clockOf(String camera) {
        Served s = served.get(camera);
        return Math.max(virtualNow, s == null ? 0 : s.clock);
    }

    /** Where {@code camera} stands when room is short: the virtual time it was refused or evicted at, else its clock. */
    private long place(String camera) {
        Long refused = refusedAt.get(camera);
        return refused != null ? refused : clockOf(camera);
    }

    /** The frames dropped to make room for other cameras since the last call (oldest first). */
    public List<Frame> takeEvicted() {
        List<Frame> out = List.copyOf(evictedFrames);
        evictedFrames.clear();
        return out;
    }

    /**
     * The next frame to process: from the waiting camera whose virtual clock is furthest behind
     * among those whose lane has room; empty when none can go now. The caller must call
     * {@link #done} after it.
     */
    public Optional<Dispatch> next() {
        if (queues.isEmpty()) {
            return Optional.empty();
        }
        long typical = typicalCost();
        String camera = null;
        boolean heavy = false;
        long start = Long.MAX_VALUE;
        for (Map.Entry<String, ArrayDeque<Waiting>> e : queues.entrySet()) {
            Served s = served.get(e.getKey());
            boolean h = e.getValue().peek().pixels() > heavyPixels || heavyByCost(s, typical);
            if (h ? heavyBusy : inFlight - (heavyBusy ? 1 : 0) >= maxInFlight) {
                continue;
            }
            long t = Math.max(virtualNow, s == null ? 0 : s.clock);
            if (t < start) {
                start = t;
                camera = e.getKey();
                heavy = h;
            }
        }
        if (camera == null) {
            return Optional.empty();
        }
        virtualNow = start;
        served.computeIfAbsent(camera, c -> new Served()).clock = start;
        refusedAt.remove(camera);
        ArrayDeque<Waiting> q = queues.remove(camera);
        Waiting next = q.poll();
        Frame frame = next.frame();
        if (!q.isEmpty()) {
            queues.put(camera, q);
        }
        queued--;
        queuedBytes -= frame.payload().length;
        inFlight++;
        heavyBusy |= heavy;
        return Optional.of(new Dispatch(frame, next.format(), heavy));
    }

    /** The lower median cost over the cameras whose last frame was predicted; -1 when there are none. */
    private long typicalCost() {
        long[] costs = served.values().stream().filter(s -> s.predicted && s.cost >= 0).mapToLong(s -> s.cost).sorted().toArray();
        return costs.length == 0 ? -1 : costs[(costs.length - 1) / 2];
    }

    private static boolean heavyByCost(Served s, long typical) {
        return s != null && s.cost > HEAVY_FLOOR_MS * 1_000_000L && typical >= 0 && s.cost > HEAVY_FACTOR * typical;
    }

    /**
     * A frame handed out by {@link #next()} has finished after {@code costNanos} of processing;
     * {@code predicted} says whether it gave a prediction (rather than a rejection).
     */
    public void done(Dispatch dispatch, long costNanos, boolean predicted) {
        inFlight--;
        if (dispatch.heavy()) {
            heavyBusy = false;
        }
        Served s = served.get(dispatch.frame().cameraId());
        if (s != null) {
            long cost = Math.max(0, costNanos);
            s.clock += cost;
            s.cost = s.cost < 0 ? cost : (3 * s.cost + cost) / 4;
            s.predicted = predicted;
        }
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

    /** Frames being processed, both lanes. */
    public int inFlight() {
        return inFlight;
    }
}
