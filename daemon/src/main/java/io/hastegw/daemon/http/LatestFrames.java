package io.hastegw.daemon.http;

import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.Prediction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest frame of each tracked camera and its prediction, for {@code /cameras/<id>/latest.jpg}
 * and the console: only the frame as it arrived is kept (its encoded bytes, shared with the
 * pipeline, no copy) and it is drawn with its boxes and encoded as JPEG once, on the first request
 * after it arrived ({@link FrameRenderer}, off the event loop), then served from that until the
 * camera's next frame. Memory is bounded: the kept frames and drawn JPEGs together stay within a
 * byte budget, the cameras updated least recently dropped first; a forgotten camera's frame goes.
 */
public final class LatestFrames {
    /**
     * What a camera's latest frame showed, for the console.
     *
     * @param labels   its labels, best first: a detector's detections ("horse 96 %", at most {@value #SUMMARY_LABELS}), a
     *                 classifier's top labels
     * @param sequence grows with every frame kept (a new number: a new picture to fetch)
     */
    public record Summary(List<String> labels, long sequence) {}

    /** Labels a summary lists at most. */
    static final int SUMMARY_LABELS = 5;

    /** A camera's latest frame, its prediction, and once drawn its JPEG. */
    private static final class Entry {
        final Frame frame;
        final Prediction prediction;
        final long sequence;
        byte[] jpeg;

        Entry(Frame frame, Prediction prediction, long sequence) {
            this.frame = frame;
            this.prediction = prediction;
            this.sequence = sequence;
        }

        long bytes() {
            return frame.payload().length + (jpeg == null ? 0 : jpeg.length);
        }
    }

    private final long budgetBytes;
    private final FrameRenderer renderer;
    /** Access-ordered by update: the first is the camera updated least recently. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private long bytes;
    private long sequence;

    /** Keeps at most {@code budgetBytes} of frames and JPEGs (0: none); draws with {@code renderer}. */
    public LatestFrames(long budgetBytes, FrameRenderer renderer) {
        this.budgetBytes = budgetBytes;
        this.renderer = renderer;
    }

    /** {@code frame} of {@code camera} was predicted as {@code prediction}: it is the camera's latest now. */
    public synchronized void put(String camera, Frame frame, Prediction prediction) {
        remove(camera);
        if (frame.payload().length > budgetBytes) {
            return;
        }
        Entry e = new Entry(frame, prediction, ++sequence);
        entries.put(camera, e);
        bytes += e.bytes();
        trim();
    }

    /** Drops {@code camera}'s frame (the camera was forgotten). */
    public synchronized void forget(String camera) {
        remove(camera);
    }

    /** The cameras that have a latest frame, least recently updated first. */
    public synchronized List<String> cameras() {
        return List.copyOf(entries.keySet());
    }

    /**
     * {@code camera}'s latest frame drawn with its prediction, as JPEG; empty when it has none.
     * Blocks while drawing: call it off the event loop.
     *
     * @throws FrameRenderer.RenderException when the kept frame cannot be decoded again
     */
    public Optional<byte[]> jpeg(String camera) throws FrameRenderer.RenderException {
        Entry e;
        synchronized (this) {
            e = entries.get(camera);
            if (e == null) {
                return Optional.empty();
            }
            if (e.jpeg != null) {
                return Optional.of(e.jpeg);
            }
        }
        byte[] drawn = renderer.render(e.frame, e.prediction);
        synchronized (this) {
            if (entries.get(camera) == e && e.jpeg == null) {
                e.jpeg = drawn;
                bytes += drawn.length;
                trim();
            }
        }
        return Optional.of(drawn);
    }

    /** What {@code camera}'s latest frame showed; empty when none is kept. */
    public synchronized Optional<Summary> summary(String camera) {
        Entry e = entries.get(camera);
        if (e == null) {
            return Optional.empty();
        }
        Prediction p = e.prediction;
        List<String> labels = p.detections() != null
                ? p.detections().objects().stream().limit(SUMMARY_LABELS).map(d -> label(d.label(), d.score())).toList()
                : p.top().stream().map(l -> label(l.label(), l.score())).toList();
        return Optional.of(new Summary(labels, e.sequence));
    }

    private static String label(String name, double score) {
        return String.format(java.util.Locale.ROOT, "%s %.0f %%", name, 100 * score);
    }

    /** Bytes held (frames and drawn JPEGs). */
    public synchronized long bytes() {
        return bytes;
    }

    private void remove(String camera) {
        Entry old = entries.remove(camera);
        if (old != null) {
            bytes -= old.bytes();
        }
    }

    /** Drops the least recently updated cameras until the budget holds. */
    private void trim() {
        while (bytes > budgetBytes && !entries.isEmpty()) {
            Map.Entry<String, Entry> oldest = entries.entrySet().iterator().next();
            remove(oldest.getKey());
        }
    }
}
