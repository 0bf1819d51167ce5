package io.hastegw.daemon.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What operators set: the mode, the fixed level, the bounds of automatic control, its policy and
 * target, and whether frames may be shed. Configured at start, changed over MQTT (control v2),
 * persisted in the state file.
 *
 * @param mode             {@code auto}, {@code fixed} or {@code off} (dense)
 * @param level            the level in {@code fixed} mode
 * @param minLevel         lowest level {@code auto} uses (it returns there when load goes away)
 * @param maxLevel         highest level {@code auto} uses
 * @param policy           a compression policy's name: built in {@code latency} (p95 under a target) or {@code cpu} (board CPU under a budget)
 * @param latencyTargetMs  the p95 target of the latency policy
 * @param cpuBudgetPercent the CPU budget of the cpu policy, percent of all cores
 * @param shedding         whether {@code auto} may shed frames when its highest useful level is not enough
 */
public record ControlSettings(String mode, int level, int minLevel, int maxLevel, String policy, double latencyTargetMs,
                              double cpuBudgetPercent, boolean shedding) {
    /** The mode as its constant (valid settings only: {@link #problems} names a bad mode). */
    public ControlMode controlMode() {
        return ControlMode.parse(mode).orElseThrow(() -> new IllegalStateException("mode '" + mode + "' is none of " + ControlMode.WIRE));
    }

    /**
     * Every problem with these settings for a model of {@code levels} levels and the compression
     * policies plugins registered, one message per field; empty when valid.
     */
    public List<String> problems(int levels, Set<String> policies) {
        List<String> out = new ArrayList<>();
        if (ControlMode.parse(mode).isEmpty()) {
            out.add("mode must be one of " + String.join(", ", ControlMode.WIRE) + " (got '" + mode + "')");
        }
        checkLevel(out, "level", level, levels);
        checkLevel(out, "min_level", minLevel, levels);
        checkLevel(out, "max_level", maxLevel, levels);
        if (minLevel > maxLevel) {
            out.add("min_level " + minLevel + " is above max_level " + maxLevel);
        }
        if (policies.isEmpty()) {
            out.add("policy '" + policy + "' is not available: no running plugin registers a compression policy (the built-in "
                    + "control-policies plugin is not running)");
        } else if (!policies.contains(policy)) {
            out.add("policy must be one of " + String.join(", ", new TreeSet<>(policies)) + " (got '" + policy + "')");
        }
        if (!(latencyTargetMs > 0 && latencyTargetMs <= 600_000)) {
            out.add("latency_target_ms must be more than 0 and at most 600000 (got " + latencyTargetMs + ")");
        }
        if (!(cpuBudgetPercent >= 1 && cpuBudgetPercent <= 100)) {
            out.add("cpu_budget_percent must be 1 to 100 (got " + cpuBudgetPercent + ")");
        }
        return out;
    }

    private static void checkLevel(List<String> out, String key, int value, int levels) {
        if (value < 0 || value >= levels) {
            out.add(key + " must be 0 to " + (levels - 1) + " for this model (got " + value + ")");
        }
    }

    /** These settings in {@code fixed} mode at {@code newLevel} (what the v1 command {@code control/level/set} does). */
    public ControlSettings fixedAt(int newLevel) {
        return new ControlSettings(ControlMode.FIXED.wire(), newLevel, minLevel, maxLevel, policy, latencyTargetMs, cpuBudgetPercent, shedding);
    }
}
