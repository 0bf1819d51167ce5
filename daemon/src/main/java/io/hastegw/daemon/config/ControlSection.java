package io.hastegw.daemon.config;

import io.hastegw.daemon.control.ControlMode;

/**
 * The compression controller (docs/operator-guide.md "Adaptive control"). The operator's
 * settings ({@code mode} .. {@code shedding}) are the start values; once changed over MQTT
 * they persist in {@code state_file} and win over these at the next start.
 *
 * @param mode              {@code auto} (follow the load), {@code fixed} (run {@code model.level}) or {@code off} (dense)
 * @param minLevel          lowest level of {@code auto}
 * @param maxLevel          highest level of {@code auto}; -1: the model's highest
 * @param policy            {@code latency} (p95 frame latency under a target) or {@code cpu} (board CPU under a budget)
 * @param latencyTargetMs   the p95 target; 0: derived at start, twice the dense model's measured time plus 10 ms
 * @param cpuBudgetPercent  the cpu policy's budget, percent of all cores
 * @param shedding          let {@code auto} shed frames (one k-th of the cameras' work, fairly by cost) once its highest useful level is not enough
 * @param maxShedEvery      the most shedding: one frame in this many per camera
 * @param samplePeriodMs    how often load is sampled and the controller decides
 * @param windowMs          the latency window the p95 is taken over
 * @param dwellMs           least time between two changes of level or shedding
 * @param hysteresis        margin under the target a step back must keep (0..0.9)
 * @param stateFile         where the operator's settings persist; null: {@code $STATE_DIRECTORY/control-state.json}
 *                          when systemd sets STATE_DIRECTORY, else not persisted
 * @param hmacKeyFile       a file holding the shared secret that every control command must be signed with
 *                          (HMAC-SHA256); null: commands are authorised by the broker's ACL alone
 * @param hmacWindowSeconds how far a signed command's timestamp may be from this gateway's clock
 */
public record ControlSection(String mode, int minLevel, int maxLevel, String policy, double latencyTargetMs, double cpuBudgetPercent,
                             boolean shedding, int maxShedEvery, long samplePeriodMs, long windowMs, long dwellMs, double hysteresis,
                             String stateFile, String hmacKeyFile, long hmacWindowSeconds) {

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(ControlMode.parse(mode).isPresent(), "control.mode", "one of " + String.join(", ", ControlMode.WIRE), mode);
        c.check(minLevel >= 0, "control.min_level", "0 or more", minLevel);
        c.check(maxLevel == -1 || maxLevel >= minLevel, "control.max_level", "-1 (the model's highest) or at least control.min_level", maxLevel);
        c.check(policy != null && !policy.isBlank(), "control.policy", "latency, cpu or the name of a plugin's compression policy", policy);
        c.check(latencyTargetMs >= 0 && latencyTargetMs <= 600_000, "control.latency_target_ms", "0 (derived at start) to 600000",
                latencyTargetMs);
        c.check(cpuBudgetPercent >= 1 && cpuBudgetPercent <= 100, "control.cpu_budget_percent", "1 to 100", cpuBudgetPercent);
        c.check(maxShedEvery >= 1 && maxShedEvery <= 100, "control.max_shed_every", "1 to 100", maxShedEvery);
        c.check(samplePeriodMs >= 50 && samplePeriodMs <= 600_000, "control.sample_period_ms", "50 to 600000", samplePeriodMs);
        c.check(windowMs >= samplePeriodMs && windowMs <= 3_600_000, "control.window_ms", "control.sample_period_ms to 3600000", windowMs);
        c.check(dwellMs >= 0 && dwellMs <= 3_600_000, "control.dwell_ms", "0 to 3600000", dwellMs);
        c.check(hysteresis >= 0 && hysteresis <= 0.9, "control.hysteresis", "0 to 0.9", hysteresis);
        c.check(hmacWindowSeconds >= 1 && hmacWindowSeconds <= 3600, "control.hmac_window_seconds", "1 to 3600", hmacWindowSeconds);
    }
}
