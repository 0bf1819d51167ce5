package io.hastegw.daemon.config;

import java.util.Map;

/**
 * The plugin runtime (docs/plugins.md).
 *
 * @param builtinDir     the built-in plugins' folder; null: the {@code plugins} folder next to the gateway's jar
 * @param dir            the operator's plugins folder; null: none
 * @param stateDir       where the plugin call ledger and the quarantine are kept; null: {@code $STATE_DIRECTORY} when systemd
 *                       sets it, else nowhere (no crash attribution across runs)
 * @param stageTimeoutMs how long one call of a plugin's stage may take before it counts as failed (its frame is answered)
 * @param maxFailures    failures (throws, time-outs, calls refused as busy) among a plugin's last {@code failureWindow}
 *                       calls that disable it
 * @param failureWindow  how many of a plugin's latest calls are weighed
 * @param maxStuckCalls  how many calls of an operator plugin may still run past their time budget (ignoring the
 *                       interrupt) before its further calls fail at once: a hanging plugin cannot hold the shared workers
 * @param maxOverrunsPerMinute calls of a plugin past {@code stageTimeoutMs} within any 60 s that disable it, however
 *                       many of its other calls succeed (each held a worker for the whole budget)
 * @param sinkQueue      predictions waiting per sink; beyond it the sink's predictions are dropped and counted
 * @param host           the limits of a plugin host process ({@code isolation: process})
 * @param settings       per plugin id: whether it is enabled (built-in ones are unless set false; the operator's only
 *                       when set true) and its configuration
 */
public record PluginsSection(String builtinDir, String dir, String stateDir, long stageTimeoutMs, int maxFailures, int failureWindow, int maxStuckCalls,
                             int maxOverrunsPerMinute, int sinkQueue, HostLimits host, Map<String, PluginSettings> settings) {
    /** Copies the settings (none: an empty map). */
    public PluginsSection {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /**
     * One plugin's settings.
     *
     * @param enabled load it (null: built-in plugins yes, the operator's no)
     * @param config  its configuration, checked against the JSON Schema in its descriptor (null: empty)
     */
    public record PluginSettings(Boolean enabled, Map<String, Object> config, Isolation isolation) {
        /** Enabled or not, with a configuration, in-process. */
        public PluginSettings(Boolean enabled, Map<String, Object> config) {
            this(enabled, config, null);
        }
    }

    /** Where an operator's plugin runs (docs/plugins.md "Isolation"). Built-in plugins always run in-process. */
    public enum Isolation {
        /** In the gateway's JVM, behind its guard (fast; a halt, exit or heap exhaustion ends the gateway). */
        @com.fasterxml.jackson.annotation.JsonProperty("in-process")
        IN_PROCESS,
        /** In a plugin host process of its own, over a Unix socket: its crash, hang or exhaustion ends only the host. */
        @com.fasterxml.jackson.annotation.JsonProperty("process")
        PROCESS
    }

    /**
     * The limits of a plugin host process.
     *
     * @param heapMb       its Java heap ({@code -Xmx}); exhausting it ends the host
     * @param maxThreads   threads it may run; the gateway kills a host over it (read from /proc every 50 ms)
     * @param maxRssMb     resident memory (heap, native, threads) it may use; the gateway kills a host over it
     * @param maxDeaths    deaths (exit, crash, kill by a limit, hang) within {@code deathWindowS} that quarantine the plugin
     * @param deathWindowS the window deaths are counted in, seconds
     * @param spare        when a spare host is kept started, so that a dead host is replaced at once (null: after a death)
     * @param nice         the niceness a host runs at (0-19, null: 10): a plugin that spins yields the CPU to inference
     * @param cpuPercent   the CPU its hosts may use together, percent of one core, where the gateway can give the plugin
     *                     a cgroup of its own (null: 50; 0: no cgroup)
     */
    public record HostLimits(int heapMb, int maxThreads, int maxRssMb, int maxDeaths, int deathWindowS, Spare spare, Integer nice,
                             Integer cpuPercent) {
        /** The spare is kept after a death, the niceness is 10, the CPU 50 % of a core (the defaults). */
        public HostLimits {
            spare = spare == null ? Spare.AFTER_DEATH : spare;
            nice = nice == null ? 10 : nice;
            cpuPercent = cpuPercent == null ? 50 : cpuPercent;
        }

        /** Limits with the default spare, niceness and CPU quota. */
        public HostLimits(int heapMb, int maxThreads, int maxRssMb, int maxDeaths, int deathWindowS) {
            this(heapMb, maxThreads, maxRssMb, maxDeaths, deathWindowS, null, null, null);
        }
    }

    /**
     * When a plugin host has a spare: a host process started and connected, not yet given the plugin, that replaces a
     * dead host without a JVM start (about an idle JVM's memory, 30-40 MiB resident, while it waits).
     */
    public enum Spare {
        /** Never: every restart starts a JVM (after the back-off). */
        @com.fasterxml.jackson.annotation.JsonProperty("never")
        NEVER,
        /** Once the host died: a plugin that never dies costs nothing, one that died once is replaced at once next time. */
        @com.fasterxml.jackson.annotation.JsonProperty("after_death")
        AFTER_DEATH,
        /** From the start: even the first death is replaced at once. */
        @com.fasterxml.jackson.annotation.JsonProperty("always")
        ALWAYS
    }

    /** Where the ledger and quarantine are kept: {@code state_dir}, else systemd's {@code STATE_DIRECTORY} (its first entry) in {@code env}. */
    public java.util.Optional<java.nio.file.Path> stateFolder(Map<String, String> env) {
        if (stateDir != null) {
            return java.util.Optional.of(java.nio.file.Path.of(stateDir));
        }
        String dirs = env.get("STATE_DIRECTORY");
        return dirs == null || dirs.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(java.nio.file.Path.of(dirs.split(":")[0]));
    }

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(stageTimeoutMs >= 1 && stageTimeoutMs <= 600_000, "plugins.stage_timeout_ms", "1 to 600000", stageTimeoutMs);
        c.check(maxFailures >= 1 && maxFailures <= 1_000_000, "plugins.max_failures", "1 to 1000000", maxFailures);
        c.check(failureWindow >= maxFailures && failureWindow <= 10_000, "plugins.failure_window", "plugins.max_failures to 10000",
                failureWindow);
        c.check(maxStuckCalls >= 1 && maxStuckCalls <= 64, "plugins.max_stuck_calls", "1 to 64", maxStuckCalls);
        c.check(maxOverrunsPerMinute >= 1 && maxOverrunsPerMinute <= 100_000, "plugins.max_overruns_per_minute", "1 to 100000", maxOverrunsPerMinute);
        c.check(host != null && host.heapMb() >= 16 && host.heapMb() <= 65_536, "plugins.host.heap_mb", "16 to 65536",
                host == null ? null : host.heapMb());
        c.check(host != null && host.maxThreads() >= 8 && host.maxThreads() <= 10_000, "plugins.host.max_threads", "8 to 10000",
                host == null ? null : host.maxThreads());
        c.check(host != null && host.maxRssMb() > host.heapMb(), "plugins.host.max_rss_mb", "above plugins.host.heap_mb",
                host == null ? null : host.maxRssMb());
        c.check(host != null && host.maxDeaths() >= 1 && host.maxDeaths() <= 1000, "plugins.host.max_deaths", "1 to 1000",
                host == null ? null : host.maxDeaths());
        c.check(host != null && host.deathWindowS() >= 1, "plugins.host.death_window_s", "1 or more", host == null ? null : host.deathWindowS());
        c.check(host != null && host.nice() >= 0 && host.nice() <= 19, "plugins.host.nice", "0 to 19", host == null ? null : host.nice());
        c.check(host != null && host.cpuPercent() >= 0 && host.cpuPercent() <= 6400, "plugins.host.cpu_percent", "0 (no cap) to 6400",
                host == null ? null : host.cpuPercent());
        c.check(sinkQueue >= 1 && sinkQueue <= 1_000_000, "plugins.sink_queue", "1 to 1000000", sinkQueue);
        settings.forEach((id, p) -> c.check(p != null, "plugins.settings." + id, "an object with enabled and config", null));
        c.check(!settings.containsKey("mqtt-sink"), "plugins.settings.mqtt-sink",
                "absent: the mqtt-sink plugin is gone, the gateway publishes predictions itself (mqtt.publish_predictions, mqtt.prediction_qos)",
                "set");
    }
}
