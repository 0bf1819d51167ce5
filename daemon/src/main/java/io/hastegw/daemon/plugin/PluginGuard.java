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
 * which is a stage's legitimate answer) or overruns its time budget is a failure: counted, and,
 * after {@code maxFailures} in a row, the plugin is disabled and its stages are skipped from then
 * on. An <em>isolated</em> plugin's calls (the operator's plugins) run on the plugin's own
 * threads: one that hangs is interrupted and abandoned there, and its caller gets its answer at
 * the budget. A built-in plugin's calls run on the caller's thread, as the gateway's own code
 * does (no hand-off on the frame path): a throw is contained the same way, an overrun is counted
 * when the call returns. Thread-safe.
 */
final class PluginGuard {
    private final String id;
    private final boolean isolated;
    private final ExecutorService calls;
    private final long budgetMs;
    private final int maxFailures;
    private final Consumer<String> onDisabled;
    private final AtomicInteger inARow = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private volatile String disabled;

    /**
     * @param id          the plugin
     * @param isolated    run its calls on its own threads (else on the caller's)
     * @param calls       the plugin's threads
     * @param budgetMs    how long one call may take
     * @param maxFailures failures in a row that disable the plugin
     * @param onDisabled  told once, with the reason, when the plugin is disabled
     */
    PluginGuard(String id, boolean isolated, ExecutorService calls, long budgetMs, int maxFailures, Consumer<String> onDisabled) {
        this.id = id;
        this.isolated = isolated;
        this.calls = calls;
        this.budgetMs = budgetMs;
        this.maxFailures = maxFailures;
        this.onDisabled = onDisabled;
    }

    /**
     * Runs {@code work} ({@code what} names it in messages, e.g. {@code decoder 'jpeg'}) within the
     * time budget.
     *
     * @throws FrameRejectedException when the stage rejected the frame (not a failure)
     * @throws PluginFailure          when it threw, timed out, or the plugin is disabled or stopped
     */
    <T> T call(String what, Callable<T> work) throws FrameRejectedException {
        return call(what, work, budgetMs);
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
        try {
            result = work.call();
        } catch (FrameRejectedException rejected) {
            inARow.set(0);
            throw rejected;
        } catch (Exception | LinkageError e) {
            throw failed(PluginFailure.Reason.THREW, what + " of plugin '" + id + "' failed: " + e, e);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        if (tookMs > budget) {
            failed(PluginFailure.Reason.TIMED_OUT, what + " of plugin '" + id + "' took " + tookMs + " ms, over " + budget + " ms (plugins.stage_timeout_ms)", null);
        } else {
            inARow.set(0);
        }
        return result;
    }

    private <T> T isolatedCall(String what, Callable<T> work, long budget) throws FrameRejectedException {
        Future<T> f;
        try {
            f = calls.submit(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new PluginFailure(PluginFailure.Reason.STOPPED, "plugin '" + id + "' is stopped", e);
        }
        try {
            T result = f.get(budget, TimeUnit.MILLISECONDS);
            inARow.set(0);
            return result;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw failed(PluginFailure.Reason.TIMED_OUT, what + " of plugin '" + id + "' did not return within " + budget + " ms (plugins.stage_timeout_ms)", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FrameRejectedException rejected) {
                inARow.set(0);
                throw rejected;
            }
            throw failed(PluginFailure.Reason.THREW, what + " of plugin '" + id + "' failed: " + cause, cause);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginFailure(PluginFailure.Reason.INTERRUPTED, what + " of plugin '" + id + "' interrupted", e);
        }
    }

    private PluginFailure failed(PluginFailure.Reason reason, String message, Throwable cause) {
        failures.incrementAndGet();
        if (inARow.incrementAndGet() >= maxFailures) {
            disable(maxFailures + " failures in a row (plugins.max_failures), the last: " + message);
        }
        return new PluginFailure(reason, message, cause);
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

    /** Failures so far. */
    long failures() {
        return failures.get();
    }
}
