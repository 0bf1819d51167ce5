package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's input as a frame source under test sees it: it takes frames (or refuses them, as the gateway does
 * when its queues are full, after {@link #refuse(boolean)}) and keeps those it took, for a test to wait for.
 */
public final class FrameCapture implements FrameInput {
    private final List<Frame> frames = new ArrayList<>();
    private volatile boolean refusing;

    FrameCapture() {}

    @Override
    public synchronized boolean submit(Frame frame) {
        if (frame == null) {
            throw new IllegalArgumentException("a frame source submitted null");
        }
        if (refusing) {
            return false;
        }
        frames.add(frame);
        notifyAll();
        return true;
    }

    /** Whether further frames are refused ({@code submit} answers false), as when the gateway sheds. */
    public void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** The frames taken so far. */
    public synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    /**
     * Waits until {@code count} frames were taken (sources run on their own threads).
     *
     * @throws AssertionError fewer came within {@code timeoutMs}
     */
    public synchronized List<Frame> await(int count, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (frames.size() < count) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("the plugin's sources submitted " + frames.size() + " frames within " + timeoutMs + " ms, not " + count);
            }
            wait(left);
        }
        return List.copyOf(frames);
    }
}
