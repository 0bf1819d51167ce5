package io.hastegw.daemon.plugin;

import io.hastegw.daemon.config.PluginsSection;

/**
 * What one plugin may do before its {@link PluginGuard} acts.
 *
 * @param budgetMs      how long one stage call may take ({@code plugins.stage_timeout_ms})
 * @param maxFailures   failures among the last {@code window} calls that disable it ({@code plugins.max_failures})
 * @param window        how many of its latest calls are weighed ({@code plugins.failure_window})
 * @param maxStuck      how many of an isolated plugin's calls may still run past their budget (they ignored the interrupt)
 *                      before further calls fail at once ({@code plugins.max_stuck_calls})
 * @param maxOverruns   calls past the budget within any 60 s that disable it ({@code plugins.max_overruns_per_minute})
 */
record GuardLimits(long budgetMs, int maxFailures, int window, int maxStuck, int maxOverruns) {
    /** The limits the configuration sets. */
    static GuardLimits of(PluginsSection plugins) {
        return new GuardLimits(plugins.stageTimeoutMs(), plugins.maxFailures(), plugins.failureWindow(), plugins.maxStuckCalls(), plugins.maxOverrunsPerMinute());
    }
}
