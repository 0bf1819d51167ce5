package io.hastegw.daemon.plugin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** A running plugin's gauges in /metrics (its guard's state, its host's deaths and dropped output). */
final class PluginMeters {
    private PluginMeters() {}

    /** Registers {@code p}'s gauges, replacing the gauges of an earlier plugin with its id (a reload's are the new plugin's). */
    static void register(MeterRegistry registry, LoadedPlugin p) {
        String id = p.id();
        registry.getMeters().stream().filter(m -> m instanceof Gauge && id.equals(m.getId().getTag("plugin"))).forEach(registry::remove);
        Gauge.builder("haste_plugin_disabled", () -> p.guard().disabled() == null ? 0 : 1).description("1 once a plugin is disabled")
                .tag("plugin", id).register(registry);
        Gauge.builder("haste_plugin_failures", p.guard()::failures).description("a plugin's failures (throws, time-outs, busy)")
                .tag("plugin", id).register(registry);
        Gauge.builder("haste_plugin_stuck_calls", p.guard()::stuck).description("a plugin's calls still running past their budget "
                + "(calls fail at once while plugins.max_stuck_calls are)").tag("plugin", id).register(registry);
        p.process().ifPresent(proc -> {
            Gauge.builder("haste_plugin_host_deaths", proc::deaths).description("times a plugin's host process died (exit, crash, a limit, a hang)")
                    .tag("plugin", id).register(registry);
            Gauge.builder("haste_plugin_host_spare", () -> proc.hasSpare() ? 1 : 0).description("1 while a spare host process is ready to "
                    + "replace the plugin's host (plugins.host.spare)").tag("plugin", id).register(registry);
            Gauge.builder("haste_plugin_host_output_dropped_lines", proc::droppedLines).description("lines of a plugin host's stdout and "
                    + "stderr not logged (over the rate limit)").tag("plugin", id).register(registry);
        });
    }
}
