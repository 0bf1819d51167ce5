package io.hastegw.daemon.control;

import io.hastegw.daemon.load.BoardSampler;
import io.hastegw.daemon.load.LatencyWindow;
import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.CompressionPolicy.Assessment;
import io.hastegw.plugin.api.LoadSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The compression controller: turns each period's load signals into the level to run and the
 * frame shedding to apply. In {@code auto} mode it climbs a ladder of levels, from {@code
 * min_level}, taking only levels that the device's measured per-level times (the cost plan) say
 * are faster than the level below them, up to {@code max_level}; on the top rung, when the
 * policy still reports pressure that shedding would relieve and shedding is allowed, it sheds
 * frames (serves one k-th of the cameras' work, fairly by cost, {@code k} up to a bound). When pressure goes it steps back: less
 * shedding first, then lower levels, down to {@code min_level} at full rate. A change waits at
 * least the dwell time after the previous one (the new level's latencies must be seen before
 * judging it). Pure and deterministic: time is passed in, so it is tested on simulated traces.
 * Driven from one thread (the gateway's event loop); the decision may be read from any.
 */
public final class Controller {
    /** A level counts as faster than another when its measured time is lower by at least this fraction. */
    public static final double FASTER_BY = 0.03;
    /** Without measured per-level times, one step back is assumed to cost this much more. */
    public static final double UNMEASURED_STEP_FACTOR = 1.5;
    /** More shedding must lower the judged figure by at least this fraction, or it is taken back. */
    public static final double SHED_MIN_GAIN = 0.10;
    /** After shedding that did not help, no more shedding for this many dwell times. */
    public static final int SHED_BLOCK_DWELLS = 10;

    /**
     * What the gateway runs.
     *
     * @param level     the compression level
     * @param shedEvery 1: every frame served; k: one k-th of the cameras' work served
     * @param reason    why it runs this, in words
     */
    public record Decision(int level, int shedEvery, String reason) {}

    /**
     * One period's outcome.
     *
     * @param decision   what runs now
     * @param changed    whether it changed this period
     * @param assessment the policy's judgement (null outside {@code auto})
     * @param signals    what the policy saw (null outside {@code auto})
     */
    public record Step(Decision decision, boolean changed, Assessment assessment, LoadSignals signals) {}

    private final double[] levelCost;
    private final int maxShedEvery;
    private final long dwellNanos;
    /** Written on the owner's thread, read by status pages on others. */
    private volatile Decision decision;
    private long lastChangeNanos;
    /** The judged figure when shedding was last raised (NaN: none to compare). */
    private double measureBeforeShed = Double.NaN;
    private long shedBlockedUntilNanos = Long.MIN_VALUE;

    /**
     * @param levelCost    measured time of each level relative to dense (the cost plan), or null when not measured
     * @param initial      the level running at start
     * @param maxShedEvery the most shedding: one frame in this many (1: never shed)
     * @param dwellNanos   least time between two changes
     * @param nowNanos     the time at start
     */
    public Controller(double[] levelCost, int initial, int maxShedEvery, long dwellNanos, long nowNanos) {
        this.levelCost = levelCost == null ? null : levelCost.clone();
        this.maxShedEvery = maxShedEvery;
        this.dwellNanos = dwellNanos;
        this.decision = new Decision(initial, 1, "start");
        this.lastChangeNanos = nowNanos;
    }

    /** What runs now. */
    public Decision decision() {
        return decision;
    }

    /**
     * The levels {@code auto} uses under {@code settings}, lowest first: {@code min_level}, then
     * each level up to {@code max_level} measured faster (by {@value #FASTER_BY}) than the rung
     * below it; without measurements every level.
     */
    public List<Integer> ladder(ControlSettings settings) {
        List<Integer> rungs = new ArrayList<>(List.of(settings.minLevel()));
        for (int l = settings.minLevel() + 1; l <= settings.maxLevel(); l++) {
            int below = rungs.get(rungs.size() - 1);
            if (levelCost == null || levelCost[l] < levelCost[below] * (1 - FASTER_BY)) {
                rungs.add(l);
            }
        }
        return rungs;
    }

    /**
     * Brings the decision in line with {@code settings} at once (a new mode, level or bounds
     * takes effect without waiting for the dwell time).
     *
     * @return whether the decision changed
     */
    public boolean settle(ControlSettings settings, long nowNanos) {
        Decision wanted = switch (settings.controlMode()) {
            case OFF -> new Decision(0, 1, "mode off: dense");
            case FIXED -> new Decision(settings.level(), 1, "mode fixed at level " + settings.level());
            case AUTO -> {
                List<Integer> rungs = ladder(settings);
                int rung = rungOf(rungs, decision.level());
                int shed = rung == rungs.size() - 1 && settings.shedding() ? Math.min(decision.shedEvery(), maxShedEvery) : 1;
                yield rungs.get(rung) == decision.level() && shed == decision.shedEvery() && decision.reason().startsWith("auto")
                        ? decision : new Decision(rungs.get(rung), shed, "auto within levels " + settings.minLevel() + ".." + settings.maxLevel());
            }
        };
        return change(wanted, nowNanos);
    }

    /**
     * One period: in {@code auto} mode asks {@code policy} about the window's latencies and the
     * board's reading and moves one step when it reports pressure (or its absence) and the dwell
     * time has passed; in the other modes applies the settings.
     */
    public Step step(ControlSettings settings, CompressionPolicy policy, LatencyWindow.Stats window, BoardSampler.Reading board,
                     int queued, long nowNanos) {
        boolean changed = settle(settings, nowNanos);
        if (settings.controlMode() != ControlMode.AUTO) {
            return new Step(decision, changed, null, null);
        }
        List<Integer> rungs = ladder(settings);
        int rung = rungOf(rungs, decision.level());
        int shed = decision.shedEvery();
        double stepBack = shed > 1 ? (double) shed / (shed - 1)
                : rung == 0 ? Double.NaN
                : levelCost == null ? UNMEASURED_STEP_FACTOR : levelCost[rungs.get(rung - 1)] / levelCost[rungs.get(rung)];
        LoadSignals signals = new LoadSignals(window.frames(), window.p95Ms(), window.inferenceP95Ms(), window.queueP95Ms(), window.framesPerSecond(),
                window.dropRate(), queued, board.boardCpu(), board.processCpu(), board.temperatureC(), decision.level(), shed, stepBack);
        Assessment a = policy.assess(signals);
        if (changed || nowNanos - lastChangeNanos < dwellNanos) {
            return new Step(decision, changed, a, signals);
        }
        Decision next = switch (a.pressure()) {
            case RAISE -> rung < rungs.size() - 1 ? new Decision(rungs.get(rung + 1), 1, "auto: raised: " + a.reason())
                    : a.sheddingHelps() ? shed(settings, a, shed, nowNanos) : withoutShedding(a, shed);
            case LOWER -> shed > 1 ? new Decision(decision.level(), shed - 1, shed == 2 ? "auto: serving every frame again: " + a.reason()
                    : "auto: shedding less, 1 frame in " + (shed - 1) + ", fairly by cost: " + a.reason())
                    : rung > 0 ? new Decision(rungs.get(rung - 1), 1, "auto: lowered: " + a.reason()) : decision;
            case HOLD -> decision;
        };
        if (next.shedEvery() < shed) {
            measureBeforeShed = Double.NaN;
        }
        boolean moved = change(next, nowNanos);
        return new Step(decision, moved, a, signals);
    }

    /**
     * Pressure on the top rung that shedding may relieve: shed more, unless the last increase did
     * not lower the judged figure by {@value #SHED_MIN_GAIN} (then take it back and shed no more
     * for {@value #SHED_BLOCK_DWELLS} dwell times: something else than waiting frames holds the
     * figure up).
     */
    private Decision shed(ControlSettings settings, Assessment a, int shed, long nowNanos) {
        int level = decision.level();
        if (shed > 1 && !Double.isNaN(measureBeforeShed) && !Double.isNaN(a.measure()) && a.measure() > measureBeforeShed * (1 - SHED_MIN_GAIN)) {
            String tried = String.format(Locale.ROOT, "auto: shedding to 1 frame in %d did not help (%.4g before, %.4g after), "
                    + "back to 1 in %d: %s", shed, measureBeforeShed, a.measure(), shed - 1, a.reason());
            measureBeforeShed = Double.NaN;
            shedBlockedUntilNanos = nowNanos + SHED_BLOCK_DWELLS * dwellNanos;
            return new Decision(level, shed - 1, tried);
        }
        if (!settings.shedding() || shed >= maxShedEvery || nowNanos < shedBlockedUntilNanos) {
            return decision;
        }
        measureBeforeShed = a.measure();
        return new Decision(level, shed + 1, "auto: at the highest useful level " + level + ", shedding to 1 frame in " + (shed + 1)
                + ", fairly by cost: " + a.reason());
    }

    /** Pressure on the top rung that shedding cannot relieve: shed less if shedding, else stay, saying why. */
    private Decision withoutShedding(Assessment a, int shed) {
        String why = "the latency without waiting is over the target: " + a.reason();
        return shed > 1 ? new Decision(decision.level(), shed - 1, "auto: shedding less, 1 frame in " + (shed - 1) + ", fairly by cost: it does not help, "
                + why) : new Decision(decision.level(), 1, "auto: at the highest useful level " + decision.level() + "; shedding would not help, " + why);
    }

    /** The highest rung at or below {@code level} (the lowest rung when none is). */
    private static int rungOf(List<Integer> rungs, int level) {
        int rung = 0;
        for (int i = 0; i < rungs.size(); i++) {
            if (rungs.get(i) <= level) {
                rung = i;
            }
        }
        return rung;
    }

    private boolean change(Decision next, long nowNanos) {
        if (next.equals(decision)) {
            return false;
        }
        boolean moved = next.level() != decision.level() || next.shedEvery() != decision.shedEvery();
        decision = next;
        if (moved) {
            lastChangeNanos = nowNanos;
        }
        return moved;
    }
}
