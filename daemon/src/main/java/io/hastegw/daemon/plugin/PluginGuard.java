package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.FrameRejectedException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Contains one plugin's faults. A call that throws (anything but {@link FrameRejectedException},
 * which is a stage's legitimate answer), overruns its time budget or finds the plugin busy is a
 * failure: counted, and when {@code maxFailures} of its last {@code window} calls failed (a
 * failure rate, not only failures in a row: a plugin failing on every other frame is caught
 * too), the plugin is disabled and its stages are skipped from then on. Calls past the budget
 * are weighed on their own as well: {@code maxOverruns} of them within any 60 s disable the
 * plugin however many of its other calls succeed (each held a worker for the whole budget; a
 * plugin slow on one camera of many is not hidden by the other cameras' calls). An <em>isolated</em>
 * plugin's calls (the operator's plugins) run on the plugin's own threads: one that hangs is
 * interrupted and abandoned there, and its caller gets its answer at the budget. A call that
 * ignores the interrupt keeps running, counted as stuck ({@link #stuck()}); while
 * {@code maxStuck} are, further calls fail at once, so a plugin that hangs cannot hold the
 * gateway's shared workers for its budget frame after frame, and the threads it keeps are bounded
 * (by {@code maxStuck} plus the calls the pipeline makes at once). A built-in plugin's calls run on the caller's thread, as the
 * gateway's own code does (no hand-off on the frame path): a throw is contained the same way, an
 * overrun is counted when the call returns. Thread-safe.
 */
final class PluginGuard {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;
    private static final long OVERRUN_WINDOW_NS = 60_000_000_000L;
    private final String id;
    private final boolean isolated;
    private final ExecutorService calls;
    private final GuardLimits limits;
    private final CallLedger ledger;
    private final Consumer<String> onDisabled;
    /** The outcomes of the last {@code limits.window()} calls (true: failed), oldest overwritten first. */
    private final boolean[] recent;
    private int next;
    private int failedInWindow;
    private long outcomes;
    /** When its latest calls past the budget failed (nanoTime), at most {@code limits.maxOverruns()}; guarded by this. */
    private final java.util.ArrayDeque<Long> overruns = new java.util.ArrayDeque<>();
    private final AtomicLong failures = new AtomicLong();
    /** Isolated calls whose caller gave up on them (timed out) and that still run. */
    private final AtomicInteger stuck = new AtomicInteger();
    private volatile String disabled;

    /**
     * @param id         the plugin
     * @param isolated   run its calls on its own threads (else on the caller's)
     * @param calls      the plugin's threads
     * @param limits     budget, failure rate and concurrency
     * @param ledger     where each call is noted while it runs (crash attribution)
     * @param onDisabled told once, with the reason, when the plugin is disabled
     */
    PluginGuard(String id, boolean isolated, ExecutorService calls, GuardLimits limits, CallLedger ledger, Consumer<String> onDisabled) {
        this.id = id;
        this.isolated = isolated;
        this.calls = calls;
        this.limits = limits;
        this.ledger = ledger;
        this.onDisabled = onDisabled;
        this.recent = new boolean[limits.window()];
    }

    /**
     * Runs {@code work} ({@code what} names it in messages, e.g. {@code decoder 'jpeg'}) within the
     * time budget.
     *
     * @throws FrameRejectedException when the stage rejected the frame (not a failure)
     * @throws PluginFailure          when it threw, timed out, or the plugin is disabled or stopped
     */
    <T> T call(String what, Callable<T> work) throws FrameRejectedException {
        return call(what, work, limits.budgetMs());
    }

    /** {@link #call(String, Callable)} with a budget of its own (lifecycle calls). */
    <T> T call(String what, Callable<T> work, long budget) throws FrameRejectedException {
        String off = disabled;
        if (off != null) {
            throw new PluginFailure(PluginFailure.Reason.DISABLED, "plugin '" + id + "' is disabled: " + off, null);
        }
        return isolated ? isolatedCall(what, work, budget) : inlineCall(what, work, budget);
    }

    private <T> T inlineCall(String what, Callable<T> work, long budget) throws FrameRejectedException {
        long start = System.nanoTime();
        T result;
        int token = ledger.enter(id, what);
        try {
            result = work.call();
        } catch (FrameRejectedException rejected) {
            succeeded();
            throw rejected;
        } catch (PluginFailure f) {
            if (f.reason() == PluginFailure.Reason.REFUSED) {
                throw f; // a process-isolated plugin whose code its host cannot load: refused as the in-process loader refuses it
            }
            // A process-isolated stage's own verdict: a death of its host is counted by the host's supervision.
            if (f.reason() == PluginFailure.Reason.HOST_DOWN) {
                throw new PluginFailure(f.reason(), what + " of plugin '" + id + "' failed: " + f.getMessage(), f);
            }
            throw failed(f.reason(), what + " of plugin '" + id + "' " + f.getMessage(), f);
        } catch (Exception | LinkageError e) {
            throw failed(PluginFailure.Reason.THREW, what + " of plugin '" + id + "' failed: " + e, e);
        } finally {
            ledger.exit(token);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        if (tookMs > budget) {
            failed(PluginFailure.Reason.TIMED_OUT, what + " of plugin '" + id + "' took " + tookMs + " ms, over " + budget + " ms (plugins.stage_timeout_ms)", null);
        } else {
            succeeded();
        }
        return result;
    }

    private <T> T isolatedCall(String what, Callable<T> work, long budget) throws FrameRejectedException {
        int held = stuck.get();
        if (held >= limits.maxStuck()) {
            throw failed(PluginFailure.Reason.BUSY, what + " of plugin '" + id + "' not called: " + held + " of its calls are still running past "
                    + "their budget (plugins.max_stuck_calls)", null);
        }
        Call<T> call = new Call<>(what, work);
        Future<T> f;
        try {
            f = calls.submit(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new PluginFailure(PluginFailure.Reason.STOPPED, "plugin '" + id + "' is stopped", e);
        }
        try {
            T result = f.get(budget, TimeUnit.MILLISECONDS);
            succeeded();
            return result;
        } catch (TimeoutException e) {
            call.abandon();
            throw failed(PluginFailure.Reason.TIMED_OUT, what + " of plugin '" + id + "' did not return within " + budget + " ms (plugins.stage_timeout_ms)", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FrameRejectedException rejected) {
                succeeded();
                throw rejected;
            }
            throw failed(PluginFailure.Reason.THREW, what + " of plugin '" + id + "' failed: " + cause, cause);
        } catch (InterruptedException e) {
            call.abandon();
            Thread.currentThread().interrupt();
            throw new PluginFailure(PluginFailure.Reason.INTERRUPTED, what + " of plugin '" + id + "' interrupted", e);
        }
    }

    /** One isolated call on the plugin's thread: a call its caller gave up on is interrupted and counted as stuck until it returns. */
    private final class Call<T> implements Callable<T> {
        private final String what;
        private final Callable<T> work;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private volatile Thread thread;

        Call(String what, Callable<T> work) {
            this.what = what;
            this.work = work;
        }

        @Override
        public T call() throws Exception {
            thread = Thread.currentThread();
            int token = ledger.enter(id, what);
            try {
                return work.call();
            } finally {
                ledger.exit(token);
                thread = null;
                if (state.getAndSet(DONE) == ABANDONED) {
                    stuck.decrementAndGet();
                }
            }
        }

        /** The caller stops waiting: interrupt the call; while it still runs it is stuck. */
        void abandon() {
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                stuck.incrementAndGet();
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
            }
        }
    }

    private void succeeded() {
        record(false);
    }

    private PluginFailure failed(PluginFailure.Reason reason, String message, Throwable cause) {
        failures.incrementAndGet();
        int failed = record(true);
        if (failed >= limits.maxFailures()) {
            disable(failed + " of its last " + Math.min(outcomes(), limits.window()) + " calls failed (plugins.max_failures, plugins.failure_window), "
                    + "the last: " + message);
        } else if (reason == PluginFailure.Reason.TIMED_OUT && overrun() >= limits.maxOverruns()) {
            disable(limits.maxOverruns() + " of its calls ran past plugins.stage_timeout_ms within 60 s (plugins.max_overruns_per_minute), "
                    + "the last: " + message);
        }
        return new PluginFailure(reason, message, cause);
    }

    /** Records a call past the budget now; returns how many there were within the last 60 s. */
    private synchronized int overrun() {
        long now = System.nanoTime();
        overruns.addLast(now);
        while (now - overruns.peekFirst() > OVERRUN_WINDOW_NS || overruns.size() > limits.maxOverruns()) {
            overruns.removeFirst();
        }
        return overruns.size();
    }

    /** Records one call's outcome; returns the failures among the last {@code window} calls. */
    private synchronized int record(boolean failed) {
        if (recent[next]) {
            failedInWindow--;
        }
        recent[next] = failed;
        if (failed) {
            failedInWindow++;
        }
        next = (next + 1) % recent.length;
        outcomes++;
        return failedInWindow;
    }

    private synchronized long outcomes() {
        return outcomes;
    }

    /** Disables the plugin (once) because of {@code reason}. */
    void disable(String reason) {
        synchronized (this) {
            if (disabled != null) {
                return;
            }
            disabled = reason;
        }
        onDisabled.accept(reason);
    }

    /** Whether its calls run on the plugin's own threads. */
    boolean isolated() {
        return isolated;
    }

    /** Why the plugin is disabled, or null while it runs. */
    String disabled() {
        return disabled;
    }

    /** Calls that ran past their budget, were interrupted and still have not returned (threads the plugin holds). */
    int stuck() {
        return stuck.get();
    }

    /** Failures so far. */
    long failures() {
        return failures.get();
    }
}
