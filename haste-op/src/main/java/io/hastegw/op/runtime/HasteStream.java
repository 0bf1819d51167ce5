package io.hastegw.op.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One camera's kept HASTE state for stream reuse: the bucket assignment and merged filters of
 * every HASTE layer from the stream's last refresh frame (native memory, held by ONNX Runtime
 * until {@link #close}), the level and session they belong to, the refresh frame's signature and
 * channel counts. {@link HasteSession#run(io.hastegw.op.onnx.FloatTensor, int, HasteStream,
 * ReusePolicy, long)} decides per frame whether to reuse it or to refresh it, holding this
 * object's lock for the whole frame, so that frames of one camera never race on it.
 */
public final class HasteStream implements AutoCloseable {
    private HasteSession owner;
    private int level = -1;
    private OrtSession.Result kept;
    private Map<String, OnnxTensor> state = Map.of();
    private long[] channels;
    private FrameSignature signature;
    private int framesSinceRefresh;
    private long lastFrameNanos;
    /** Read without the lock (a registry sums them while frames run), written under it; 0 exactly when no state is kept. */
    private volatile long bytes;

    /** A stream with no state: its first HASTE frame refreshes ({@link RefreshCause#FIRST}). */
    public HasteStream() {}

    /**
     * Bytes of native memory the kept state holds (merged filters and buckets); 0 without state.
     * Never waits for a frame in progress.
     */
    public long bytes() {
        return bytes;
    }

    /** Whether a state is kept. Never waits for a frame in progress. */
    public boolean hasState() {
        return bytes > 0;
    }

    /**
     * Why a frame at {@code level} with {@code signature}, arriving at {@code nowNanos}, must
     * refresh under {@code policy}; empty when it may reuse the kept state. Checked in the order
     * first, model, level, quiet, interval, drift.
     */
    synchronized Optional<RefreshCause> due(HasteSession session, int level, FrameSignature signature, long nowNanos, ReusePolicy policy) {
        if (kept == null) {
            return Optional.of(this.level >= 0 && this.level != level ? RefreshCause.LEVEL : RefreshCause.FIRST);
        }
        if (owner != session) {
            return Optional.of(RefreshCause.MODEL);
        }
        if (this.level != level) {
            return Optional.of(RefreshCause.LEVEL);
        }
        if (nowNanos - lastFrameNanos > policy.quietAfter().toNanos()) {
            return Optional.of(RefreshCause.QUIET);
        }
        if (framesSinceRefresh >= policy.refreshEvery()) {
            return Optional.of(RefreshCause.INTERVAL);
        }
        if (signature.distance(this.signature) > policy.driftThreshold()) {
            return Optional.of(RefreshCause.DRIFT);
        }
        return Optional.empty();
    }

    /** Keeps the state a refresh frame output ({@code names} of {@code result}), releasing the previous one. */
    synchronized void keep(HasteSession session, int level, OrtSession.Result result, Set<String> names, long[] channels,
                           FrameSignature signature, long nowNanos) {
        release();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        long total = 0;
        for (String name : names) {
            OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("refresh output " + name + " missing"));
            tensors.put(name, t);
            total += Arrays.stream(t.getInfo().getShape()).reduce(1, (a, b) -> a * b) * Float.BYTES; // float and int32 alike
        }
        this.owner = session;
        this.level = level;
        this.kept = result;
        this.state = tensors;
        this.channels = channels.clone();
        this.signature = signature;
        this.framesSinceRefresh = 1;
        this.lastFrameNanos = nowNanos;
        this.bytes = total;
    }

    /** Counts a frame that reused the state. */
    synchronized void reused(long nowNanos) {
        framesSinceRefresh++;
        lastFrameNanos = nowNanos;
    }

    /** Drops the state (a dense frame, or memory wanted elsewhere); the level is remembered, so that a change reads as one. */
    synchronized void drop(int level) {
        release();
        this.level = level;
    }

    /** The kept tensors, by graph input name. */
    synchronized Map<String, OnnxTensor> state() {
        return state;
    }

    /** The refresh frame's channel counts per HASTE layer. */
    synchronized long[] channels() {
        return channels.clone();
    }

    private void release() {
        if (kept != null) {
            kept.close();
        }
        kept = null;
        owner = null;
        state = Map.of();
        bytes = 0;
    }

    /** Releases the kept state; the stream stays usable (its next frame refreshes). */
    @Override
    public synchronized void close() {
        release();
        level = -1;
    }
}
