package io.hastegw.daemon.plugin;

import io.hastegw.daemon.config.PluginsSection;
import io.hastegw.pluginhost.HostMain;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * One plugin's host deaths: counted within {@code plugins.host.death_window_s} (the
 * {@code max_deaths}-th there quarantines the plugin), the back-off before a cold restart, and
 * what a host's exit status means in the words of its events and logs.
 */
final class HostDeathLog {
    private final PluginsSection.HostLimits limits;
    private final Deque<Long> times = new ArrayDeque<>();
    private long total;

    HostDeathLog(PluginsSection.HostLimits limits) {
        this.limits = limits;
    }

    /** Records a death at {@code nowNanos}; returns the deaths within the window, this one included. */
    synchronized int record(long nowNanos) {
        total++;
        times.addLast(nowNanos);
        while (nowNanos - times.peekFirst() > TimeUnit.SECONDS.toNanos(limits.deathWindowS())) {
            times.removeFirst();
        }
        return times.size();
    }

    /** Whether the deaths within the window reached {@code plugins.host.max_deaths}: no host starts again. */
    synchronized boolean exhausted() {
        return times.size() >= limits.maxDeaths();
    }

    /** Deaths so far. */
    synchronized long total() {
        return total;
    }

    /** Whether {@code inWindow} deaths quarantine the plugin. */
    boolean quarantines(int inWindow) {
        return inWindow >= limits.maxDeaths();
    }

    /** The quarantine's reason after {@code inWindow} deaths, the last because {@code why}. */
    String quarantineReason(int inWindow, String why) {
        return "its host process died " + inWindow + " times within " + limits.deathWindowS() + " s (plugins.host.max_deaths), the last time because " + why;
    }

    /** How the log line counts {@code inWindow} deaths against the limit. */
    String counted(int inWindow) {
        return inWindow + " of plugins.host.max_deaths " + limits.maxDeaths() + " within " + limits.deathWindowS() + " s";
    }

    /** Wait before a cold restart after {@code inWindow} deaths: 0.25 s, doubling per death, at most 10 s. */
    static long backoffMs(int inWindow) {
        return Math.min(10_000, 250L << Math.min(6, inWindow - 1));
    }

    /** What a host's exit {@code status} means. */
    static String exit(int status) {
        return switch (status) {
            case 0 -> "it exited with status 0 (System.exit(0))";
            case 3 -> "its heap (plugins.host.heap_mb) was exhausted (exit status 3)";
            case HostMain.EXIT_OUT_OF_MEMORY -> "its memory outside the heap (the data limit, plugins.host.max_rss_mb) ran out (exit status 4)";
            case 137 -> "it was killed (SIGKILL)";
            default -> "it exited with status " + status;
        };
    }
}
