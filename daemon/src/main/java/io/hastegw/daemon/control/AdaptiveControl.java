package io.hastegw.daemon.control;

import java.util.concurrent.TimeUnit;
import io.hastegw.daemon.config.ControlSection;
import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.LatencyWindow;
import io.hastegw.daemon.messages.Figures;
import io.hastegw.plugin.api.CompressionPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The gateway's compression state: the operator's {@link ControlSettings}, the {@link
 * Controller} that follows the load under them, and the latency window it judges. The level and
 * the shedding it decided are read by every frame on the workers (the controller's decision is
 * volatile); everything else is confined to the gateway's event loop, which records predictions
 * and drops, feeds each period's board reading and applies operator commands.
 */
public final class AdaptiveControl implements IntSupplier {
    private final int levels;
    private final double denseMillis;
    private final boolean targetDerived;
    private final double hysteresis;
    private final Controller controller;
    private final LatencyWindow window;
    private volatile ControlSettings settings;
    private CompressionPolicy policy;
    private final Map<String, CompressionPolicy.Factory> policies;
    private volatile Controller.Step last;
    private volatile LatencyWindow.Stats stats = new LatencyWindow.Stats(0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    private volatile BoardSampler.Reading reading = new BoardSampler.Reading(Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, null,
            List.of("not sampled yet"));
    private volatile long changes;

    /**
     * @param settings   the start settings (from the state file or the configuration)
     * @param config     the control configuration: the latency window, the policies' margin, whether the target is derived
     * @param timing     what the model's levels cost on this device (the dense time is the derived target's base)
     * @param controller the controller, its dwell time and shedding bound configured
     * @param policies   the compression policies plugins registered, by name
     * @param nowNanos   the time now
     */
    public AdaptiveControl(ControlSettings settings, ControlSection config, ModelTiming timing, Controller controller,
                           Map<String, CompressionPolicy.Factory> policies, long nowNanos) {
        this.policies = Map.copyOf(policies);
        this.levels = timing.levels();
        this.denseMillis = timing.denseMillis();
        this.targetDerived = config.latencyTargetMs() == 0;
        this.hysteresis = config.hysteresis();
        this.controller = controller;
        this.window = new LatencyWindow(TimeUnit.MILLISECONDS.toNanos(config.windowMs()), 100_000);
        apply(settings, nowNanos);
    }

    /** The latency target derived from the dense model's time on this device: twice it plus 10 ms (queueing, decoding, publishing). */
    public static double derivedTargetMs(double denseMillis) {
        return Math.round((2 * denseMillis + 10) * 10) / 10.0;
    }

    /** The compression level frames run at now. */
    @Override
    public int getAsInt() {
        return controller.decision().level();
    }

    /** One k-th of the cameras' work is served (k; 1: all), shared fairly by cost. */
    public int shedEvery() {
        return controller.decision().shedEvery();
    }

    /** The names of the compression policies operators may select. */
    public Set<String> policies() {
        return policies.keySet();
    }

    /** The model's levels. */
    public int levels() {
        return levels;
    }

    /** The settings in force. */
    public ControlSettings settings() {
        return settings;
    }

    /** The decision in force: level, shedding and why. */
    public Controller.Decision decision() {
        return controller.decision();
    }

    /** Changes of level or shedding since start. */
    public long changes() {
        return changes;
    }

    /** The latest board reading. */
    public BoardSampler.Reading reading() {
        return reading;
    }

    /** The latency window's figures at the last sampling period (readable from any thread). */
    public LatencyWindow.Stats stats() {
        return stats;
    }

    /** A prediction was published: its latency, inference time and wait for a worker. */
    public void predicted(long nowNanos, double totalMs, double inferenceMs, double queueMs) {
        window.record(nowNanos, totalMs, inferenceMs, queueMs);
    }

    /** A frame was dropped by back-pressure. */
    public void dropped(long nowNanos) {
        window.dropped(nowNanos);
    }

    /**
     * Puts new operator settings in force at once (already validated).
     *
     * @return whether the level or the shedding changed
     */
    public boolean apply(ControlSettings next, long nowNanos) {
        settings = next;
        policy = policies.get(next.policy()).create(new CompressionPolicy.Targets(next.latencyTargetMs(), next.cpuBudgetPercent() / 100,
                hysteresis));
        return counted(controller.settle(next, nowNanos));
    }

    /**
     * One sampling period with the board's {@code board} reading and {@code queued} frames waiting.
     *
     * @return the step, whose {@code changed} says whether the level or the shedding changed
     */
    public Controller.Step tick(BoardSampler.Reading board, int queued, long nowNanos) {
        reading = board;
        stats = window.stats(nowNanos);
        last = controller.step(settings, policy, stats, board, queued, nowNanos);
        counted(last.changed());
        return last;
    }

    /** A change of level or shedding is counted, and the window starts afresh for the new decision. */
    private boolean counted(boolean changed) {
        if (changed) {
            changes++;
            window.clear();
        }
        return changed;
    }

    /** The settings as their JSON fields (control v2's names). */
    public static Map<String, Object> settingsJson(ControlSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", s.mode());
        m.put("level", s.level());
        m.put("min_level", s.minLevel());
        m.put("max_level", s.maxLevel());
        m.put("policy", s.policy());
        m.put("latency_target_ms", s.latencyTargetMs());
        m.put("cpu_budget_percent", s.cpuBudgetPercent());
        m.put("shedding", s.shedding());
        return m;
    }

    /** The state operators see (the retained control state and /status): settings, decision, ladder, last judgement. */
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        Controller.Decision d = controller.decision();
        m.put("settings", settingsJson(settings));
        m.put("level", d.level());
        m.put("shed_every", d.shedEvery());
        m.put("reason", d.reason());
        m.put("changes", changes);
        m.put("ladder", controller.ladder(settings));
        m.put("dense_ms", Figures.round3(denseMillis));
        m.put("latency_target", targetDerived ? "derived: 2 x dense_ms + 10 ms" : "configured");
        m.put("last_assessment", last == null || last.assessment() == null ? null
                : Map.of("pressure", last.assessment().pressure().name().toLowerCase(Locale.ROOT), "reason", last.assessment().reason()));
        return m;
    }
}
