package io.hastegw.plugins.policies;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;

/**
 * The default compression policies, selected by {@code control.policy}: {@code latency}
 * ({@link LatencyTargetPolicy}) and {@code cpu} ({@link CpuBudgetPolicy}).
 */
public final class ControlPoliciesPlugin implements Plugin {
    @Override
    public void init(PluginContext context, Extensions extensions) {
        extensions.compressionPolicy("latency", t -> new LatencyTargetPolicy(t.latencyTargetMs(), t.hysteresis()));
        extensions.compressionPolicy("cpu", t -> new CpuBudgetPolicy(t.cpuBudget(), t.hysteresis()));
    }
}
