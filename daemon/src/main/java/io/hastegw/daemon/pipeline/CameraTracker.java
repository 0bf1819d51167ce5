package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.mqtt.CameraId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Bounds what the gateway keeps per camera id, since ids come from whoever may publish: ids
 * longer than a limit are refused, at most a fixed number of cameras get their own metrics
 * series (the others are counted together under {@value #OTHER}), and cameras silent for the
 * idle time are forgotten, so a stream of fresh ids cannot grow memory or /metrics without bound.
 * When every series is taken, a new camera displaces the tracked camera that never had a frame
 * predicted and was seen least recently (its counts join {@value #OTHER}): a flood of fresh ids
 * sending junk cannot hold the series (and the console's rows) that real cameras need; only
 * cameras with predictions keep theirs until they go idle. Confined to one Vert.x context: no locks.
 */
public final class CameraTracker {
    /** The series that counts every camera beyond the tracked ones. */
    public static final String OTHER = "other";

    private final int maxIdLength;
    private final int maxTracked;
    private final long idleNanos;
    private final LongSupplier clock;
    private final Consumer<String> displaced;
    private final Map<String, Long> lastSeen = new HashMap<>();
    /** Tracked cameras that had at least one frame predicted. */
    private final Set<String> predicted = new HashSet<>();

    /**
     * @param maxIdLength longest camera id accepted
     * @param maxTracked  cameras with their own series
     * @param idleNanos   silence after which a camera is forgotten
     * @param clock       the time in nanoseconds ({@link System#nanoTime} outside tests)
     * @param displaced   told each camera displaced from its series by a newcomer (after it is no longer tracked)
     */
    public CameraTracker(int maxIdLength, int maxTracked, long idleNanos, LongSupplier clock, Consumer<String> displaced) {
        this.maxIdLength = maxIdLength;
        this.maxTracked = maxTracked;
        this.idleNanos = idleNanos;
        this.clock = clock;
        this.displaced = displaced;
    }

    /** Why {@code cameraId} is refused, or empty when it is acceptable; its length counts characters (code points), not UTF-16 units. */
    public Optional<String> refusal(String cameraId) {
        if (CameraId.problem(cameraId, maxIdLength).filter(p -> p == CameraId.Problem.TOO_LONG).isEmpty()) {
            return Optional.empty();
        }
        int length = CameraId.length(cameraId);
        return Optional.of("camera id of " + length + " characters ('" + cameraId.substring(0, cameraId.offsetByCodePoints(0,
                Math.min(16, maxIdLength))) + "...'); allowed: up to " + maxIdLength + " (pipeline.max_camera_id_length)");
    }

    /**
     * Notes that {@code cameraId} was seen and returns its series: the id itself while tracked (a
     * new camera is tracked while there is room, or when it can displace one), else {@value #OTHER}.
     */
    public String series(String cameraId) {
        long now = clock.getAsLong();
        if (lastSeen.containsKey(cameraId) || lastSeen.size() < maxTracked) {
            lastSeen.put(cameraId, now);
            return cameraId;
        }
        String victim = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : lastSeen.entrySet()) {
            if (!predicted.contains(e.getKey()) && e.getValue() - oldest < 0) {
                oldest = e.getValue();
                victim = e.getKey();
            }
        }
        if (victim == null) {
            return OTHER;
        }
        lastSeen.remove(victim);
        lastSeen.put(cameraId, now);
        displaced.accept(victim);
        return cameraId;
    }

    /** A frame of {@code cameraId} was predicted: while tracked, no newcomer displaces it (it is forgotten only when idle). */
    public void predicted(String cameraId) {
        if (lastSeen.containsKey(cameraId)) {
            predicted.add(cameraId);
        }
    }

    /** {@code cameraId}'s series without noting it as seen: the id while tracked, else {@value #OTHER}. */
    public String seriesIfTracked(String cameraId) {
        return lastSeen.containsKey(cameraId) ? cameraId : OTHER;
    }

    /** Forgets the cameras silent for the idle time; returns their ids (so their series can be removed). */
    public List<String> expire() {
        long now = clock.getAsLong();
        List<String> gone = new ArrayList<>();
        lastSeen.entrySet().removeIf(e -> {
            boolean idle = now - e.getValue() >= idleNanos;
            if (idle) {
                gone.add(e.getKey());
                predicted.remove(e.getKey());
            }
            return idle;
        });
        return gone;
    }

    /** Cameras tracked now. */
    public int tracked() {
        return lastSeen.size();
    }
}
