package io.hastegw.daemon.pipeline;

import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.RejectReason;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Post-processing lanes, one per camera: a frame the model has run on is finished
 * ({@link FrameProcessor#finish}: post-processors, a detector's boxes and zones, energy) in its
 * camera's lane, one frame at a time in the order the workers handed them over, on a few threads
 * of the lanes' own. A post-processor that is slow, hangs until its budget or waits for its
 * restarting plugin host on one camera's frames holds neither the inference workers nor the
 * other cameras. A lane holds at most {@code depth} frames (the one finishing and those waiting);
 * a frame beyond that is dropped at once with a {@code dropped} error event naming the lane.
 * Outcomes are handed back on the gateway's event loop; {@link #pending()} is read there too.
 */
final class PostLanes implements AutoCloseable {
    private final FrameProcessor processor;
    private final Context context;
    private final BiConsumer<Frame, Outcome> done;
    private final int depth;
    private final ThreadPoolExecutor pool;
    /** The lanes with frames: the head of each is the frame being finished. Guarded by {@code this}. */
    private final Map<String, ArrayDeque<Inference>> lanes = new HashMap<>();
    /** Frames submitted whose outcome has not been handed back yet (event loop only). */
    private int pending;

    /**
     * @param name      the threads' name prefix
     * @param threads   at most this many cameras finish frames at once
     * @param depth     frames one camera's lane may hold
     * @param processor finishes the frames
     * @param context   the event loop outcomes are handed back on
     * @param done      gets each frame's outcome (a prediction or a rejection), on {@code context}
     */
    PostLanes(String name, int threads, int depth, FrameProcessor processor, Context context, BiConsumer<Frame, Outcome> done) {
        this.processor = processor;
        this.context = context;
        this.done = done;
        this.depth = depth;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Queues {@code in} on its camera's lane (call on the event loop); a full lane drops it at once. */
    void submit(Inference in) {
        String camera = in.frame().cameraId();
        int held;
        boolean accepted;
        synchronized (this) {
            ArrayDeque<Inference> lane = lanes.get(camera);
            held = lane == null ? 0 : lane.size();
            accepted = held < depth && !pool.isShutdown();
            if (accepted) {
                lanes.computeIfAbsent(camera, c -> new ArrayDeque<>()).add(in);
            }
        }
        if (!accepted) {
            done.accept(in.frame(), Outcome.rejected(RejectReason.DROPPED, "post-processing of camera '" + camera + "' is behind: " + held
                    + " frame(s) in its lane, the first waiting for a post-processing stage (plugins.stage_timeout_ms bounds each call)"));
            return;
        }
        boolean start = held == 0;
        pending++;
        if (start) {
            run(camera);
        }
    }

    /** Frames handed to the lanes whose outcome has not been delivered yet (event loop only). */
    int pending() {
        return pending;
    }

    private void run(String camera) {
        try {
            pool.execute(() -> finishHead(camera));
        } catch (RejectedExecutionException closed) {
            synchronized (this) {
                lanes.remove(camera);
            }
        }
    }

    /** Finishes the head of {@code camera}'s lane, hands its outcome back, then starts the lane's next frame. */
    private void finishHead(String camera) {
        Inference in;
        synchronized (this) {
            in = lanes.get(camera).peek();
        }
        Outcome outcome;
        try {
            outcome = processor.finish(in);
        } catch (RuntimeException | Error e) {
            outcome = Outcome.rejected(RejectReason.PLUGIN_FAILED, "post-processing failed: " + e);
        }
        Outcome out = outcome;
        context.runOnContext(v -> {
            pending--;
            done.accept(in.frame(), out);
        });
        boolean more;
        synchronized (this) {
            ArrayDeque<Inference> lane = lanes.get(camera);
            lane.poll();
            more = !lane.isEmpty();
            if (!more) {
                lanes.remove(camera);
            }
        }
        if (more) {
            run(camera);
        }
    }

    /** Stops the lanes' threads; frames still waiting are not finished. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
