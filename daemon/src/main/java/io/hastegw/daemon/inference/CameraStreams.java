package io.hastegw.daemon.inference;

import ai.onnxruntime.OrtException;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.HasteStream;
import io.hastegw.op.runtime.RefreshCause;
import io.hastegw.op.runtime.ReusePolicy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Every camera's HASTE stream state ({@link HasteStream}) under one memory budget: least recently
 * used cameras first lose their state when the kept states together exceed it. Only cameras with
 * a state have an entry, so however many camera ids arrive, the entries stay within the budget. Frames of one
 * camera run one after the other on its state (its lock), other cameras' in parallel. Counts
 * frames, reuses, refreshes by cause and evictions, for {@code /status} and {@code /metrics}.
 *
 * <p>Locks: a frame holds its camera's stream, then briefly this registry (to check the stream
 * is still the camera's); the registry never waits for a stream while holding its own lock (a
 * stream's size is read without locking, evicted streams are closed after the lock is released).
 */
public final class CameraStreams implements MeterBinder, AutoCloseable {
    private final ReusePolicy policy;
    private final long budgetBytes;
    private final LongSupplier clock;
    /** Access-ordered: the eldest entry is the least recently used camera. Guarded by this. */
    private final LinkedHashMap<String, HasteStream> streams = new LinkedHashMap<>(16, 0.75f, true);
    private final LongAdder reused = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final Map<RefreshCause, LongAdder> refreshes = new EnumMap<>(RefreshCause.class);

    /**
     * @param policy      the refresh rules
     * @param budgetBytes native memory the kept states may take together
     * @param clock       nanoseconds (System::nanoTime; tests pass their own)
     */
    public CameraStreams(ReusePolicy policy, long budgetBytes, LongSupplier clock) {
        this.policy = policy;
        this.budgetBytes = budgetBytes;
        this.clock = clock;
        for (RefreshCause c : RefreshCause.values()) {
            refreshes.put(c, new LongAdder());
        }
    }

    /** Runs a frame of {@code camera} on {@code session} at {@code level}, reusing or refreshing the camera's state. */
    public HasteSession.StreamInference run(HasteSession session, String camera, FloatTensor input, int level) throws OrtException {
        HasteSession.StreamInference result;
        while (true) {
            HasteStream stream;
            synchronized (this) {
                stream = streams.computeIfAbsent(camera, k -> new HasteStream());
            }
            synchronized (stream) {
                // Evicted between the lookup and the lock: its state is gone and it is no longer counted; take the new one.
                if (!isCurrent(camera, stream)) {
                    continue;
                }
                result = session.run(input, level, stream, policy, clock.getAsLong());
                if (!stream.hasState()) {
                    // A level that runs dense keeps nothing: no entry either, so that camera ids cannot pile up.
                    remove(camera, stream);
                }
            }
            break;
        }
        if (result.reused()) {
            reused.increment();
        }
        result.refresh().ifPresent(c -> refreshes.get(c).increment());
        trim();
        return result;
    }

    private synchronized boolean isCurrent(String camera, HasteStream stream) {
        return streams.get(camera) == stream;
    }

    private synchronized void remove(String camera, HasteStream stream) {
        streams.remove(camera, stream);
    }

    /** Cameras with an entry (each holds a state: the memory budget bounds them). */
    public synchronized int entries() {
        return streams.size();
    }

    /**
     * Drops the least recently used cameras' states until the kept states fit the budget (the
     * camera whose frame just ran is among the most recent: it goes last, when its state alone
     * exceeds the budget).
     */
    private void trim() {
        List<HasteStream> evicted = new ArrayList<>();
        synchronized (this) {
            long total = streams.values().stream().mapToLong(HasteStream::bytes).sum();
            Iterator<Map.Entry<String, HasteStream>> it = streams.entrySet().iterator();
            while (total > budgetBytes && it.hasNext()) {
                Map.Entry<String, HasteStream> e = it.next();
                total -= e.getValue().bytes();
                evicted.add(e.getValue());
                it.remove();
            }
        }
        // Closed outside the map's lock: closing waits for a frame of that camera in progress.
        evicted.forEach(HasteStream::close);
        evictions.add(evicted.size());
    }

    /** Drops {@code camera}'s state (the gateway forgot it). */
    public void forget(String camera) {
        HasteStream stream;
        synchronized (this) {
            stream = streams.remove(camera);
        }
        if (stream != null) {
            stream.close();
        }
    }

    /** Native memory the kept states hold now. */
    public synchronized long bytes() {
        return streams.values().stream().mapToLong(HasteStream::bytes).sum();
    }

    /** Cameras with a state now. */
    public synchronized int cameras() {
        return (int) streams.values().stream().filter(HasteStream::hasState).count();
    }

    /** HASTE frames run with stream reuse: reused or refreshed (a level that runs dense is neither). */
    public long frames() {
        return reused.sum() + refreshes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Reused frames over all stream frames (0 before any). */
    public double reuseRatio() {
        long n = frames();
        return n == 0 ? 0 : (double) reused.sum() / n;
    }

    /** The figures for {@code /status}. */
    public Map<String, Object> status() {
        Map<String, Object> causes = new LinkedHashMap<>();
        refreshes.forEach((c, n) -> causes.put(c.label(), n.sum()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", true);
        out.put("refresh_every", policy.refreshEvery());
        out.put("drift_threshold", policy.driftThreshold());
        out.put("quiet_after_ms", policy.quietAfter().toMillis());
        out.put("memory_budget_bytes", budgetBytes);
        out.put("state_bytes", bytes());
        out.put("cameras_with_state", cameras());
        out.put("frames", frames());
        out.put("reused", reused.sum());
        out.put("reuse_ratio", Math.round(reuseRatio() * 10000) / 10000.0);
        out.put("refreshes", causes);
        out.put("evictions", evictions.sum());
        return out;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("haste_stream_frames", this, CameraStreams::frames).description("HASTE frames run with stream reuse on (reused or refreshed)")
                .register(registry);
        FunctionCounter.builder("haste_stream_reused_frames", reused, LongAdder::sum)
                .description("frames that reused their camera's kept buckets and merged filters").register(registry);
        refreshes.forEach((cause, n) -> FunctionCounter.builder("haste_stream_refreshes", n, LongAdder::sum).tag("cause", cause.label())
                .description("frames that hashed and merged afresh, by cause").register(registry));
        FunctionCounter.builder("haste_stream_evictions", evictions, LongAdder::sum)
                .description("camera states dropped to stay within the memory budget").register(registry);
        Gauge.builder("haste_stream_reuse_ratio", this, CameraStreams::reuseRatio).description("reused frames over stream frames since start")
                .register(registry);
        Gauge.builder("haste_stream_state_bytes", this, CameraStreams::bytes).description("native memory of the cameras' kept states")
                .register(registry);
        Gauge.builder("haste_stream_cameras", this, CameraStreams::cameras).description("cameras with a kept state").register(registry);
    }

    /** Releases every camera's state. */
    @Override
    public void close() {
        List<HasteStream> all;
        synchronized (this) {
            all = new ArrayList<>(streams.values());
            streams.clear();
        }
        all.forEach(HasteStream::close);
    }
}
