package io.hastegw.op.schedule;

import java.util.List;

/**
 * How a per-layer schedule is searched for.
 *
 * @param budgets    one per level 1..N: the fraction of the dense model's MACs the level may
 *                   execute (overhead included), decreasing; level 0 is always dense
 * @param candidates the L values tried on every layer (besides dense), decreasing
 * @param frames     how many frames each probe runs
 */
public record BudgetOptions(List<Double> budgets, List<Integer> candidates, int frames) {
    /** Default budgets: 95 %, 90 %, ... 60 % of the dense MACs for levels 1 to 8. */
    public static final List<Double> DEFAULT_BUDGETS = List.of(0.95, 0.90, 0.85, 0.80, 0.75, 0.70, 0.65, 0.60);
    /** Default candidates: L = 16 down to 6. */
    public static final List<Integer> DEFAULT_CANDIDATES = List.of(16, 14, 13, 12, 11, 10, 9, 8, 7, 6);
    /** Default number of frames per probe. */
    public static final int DEFAULT_FRAMES = 64;

    /** Checks that budgets lie in (0, 1] and decrease, candidates lie in 1..24 and decrease, frames &gt; 0. */
    public BudgetOptions {
        budgets = List.copyOf(budgets);
        candidates = List.copyOf(candidates);
        if (budgets.isEmpty() || candidates.isEmpty()) {
            throw new IllegalArgumentException("a budget schedule needs at least one budget and one candidate L");
        }
        for (int i = 0; i < budgets.size(); i++) {
            double b = budgets.get(i);
            if (!(b > 0 && b <= 1) || (i > 0 && b > budgets.get(i - 1))) {
                throw new IllegalArgumentException("budgets must lie in (0, 1] and not increase from level to level, got " + budgets);
            }
        }
        for (int i = 0; i < candidates.size(); i++) {
            int l = candidates.get(i);
            if (l < 1 || l > 24 || (i > 0 && l >= candidates.get(i - 1))) {
                throw new IllegalArgumentException("candidate L values must lie in 1..24 and decrease, got " + candidates);
            }
        }
        if (frames < 1) {
            throw new IllegalArgumentException("a budget schedule needs at least one frame, got " + frames);
        }
    }

    /** The defaults: {@link #DEFAULT_BUDGETS}, {@link #DEFAULT_CANDIDATES}, {@value #DEFAULT_FRAMES} frames. */
    public static BudgetOptions defaults() {
        return new BudgetOptions(DEFAULT_BUDGETS, DEFAULT_CANDIDATES, DEFAULT_FRAMES);
    }
}
