package io.hastegw.plugins.policies;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.LoadSignals;
import java.util.Locale;

/**
 * Keeps the whole board's CPU use under a budget (the gateway leaves room for the board's other
 * work). Over it: raise. Steps back only when the board's use with the gateway's own part scaled
 * by the step's measured cost ratio stays under {@code (1 - hysteresis)} of the budget. Without
 * a CPU reading (a sensor failure) it holds: it never acts on a reading it does not have.
 *
 * @param budget     the board's CPU use allowed, 0..1 of all cores
 * @param hysteresis the margin under the budget a step back must keep (0..1)
 */
public record CpuBudgetPolicy(double budget, double hysteresis) implements CompressionPolicy {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Assessment assess(LoadSignals s) {
        if (Double.isNaN(s.boardCpu())) {
            return new Assessment(Pressure.HOLD, "no CPU reading this period: holding", Double.NaN);
        }
        if (s.boardCpu() > budget) {
            return new Assessment(Pressure.RAISE, String.format(Locale.ROOT, "board CPU %.0f %% over the budget %.0f %%", 100 * s.boardCpu(), 100 * budget), s.boardCpu());
        }
        double own = Double.isNaN(s.processCpu()) ? s.boardCpu() : s.processCpu();
        double expected = s.boardCpu() - own + own * s.stepDownLoadFactor();
        if (expected < budget * (1 - hysteresis)) {
            return new Assessment(Pressure.LOWER, String.format(Locale.ROOT,
                    "board CPU %.0f %%; one step back is expected at %.0f %%, under %.0f %%", 100 * s.boardCpu(), 100 * expected,
                    100 * budget * (1 - hysteresis)), s.boardCpu());
        }
        return new Assessment(Pressure.HOLD, String.format(Locale.ROOT, "board CPU %.0f %% within the budget %.0f %%", 100 * s.boardCpu(), 100 * budget),
                s.boardCpu());
    }
}
