package io.hastegw.daemon.config;

import io.hastegw.daemon.config.ConfigEnums.GraphOptimization;
import io.hastegw.daemon.config.ConfigEnums.KernelChoice;

/**
 * The model.
 *
 * @param path                ONNX model (plain or HASTE)
 * @param card                its JSON model card
 * @param level               compression level to run (0 = dense)
 * @param intraOpThreads      ONNX Runtime intra-op threads
 * @param optimization        ONNX Runtime graph optimisation: none, basic, extended, all
 * @param kernel              HASTE layers: auto (the native kernel when it loads, else portable with a warning) or portable
 * @param costPlan            run each level with the device's measured plan (HASTE only where it is faster)
 * @param costCache           folder of cost plans (null: the temporary folder's haste-gateway/cost)
 * @param calibrationImages   folder of real images to calibrate on (null: synthetic images)
 * @param streamReuse         HASTE stream reuse: a camera's frames share a recent frame's buckets and merged filters
 */
public record ModelSection(String path, String card, int level, int intraOpThreads, String optimization, String kernel,
                           boolean costPlan, String costCache, String calibrationImages, StreamReuse streamReuse) {

    /**
     * HASTE stream reuse (io.hastegw.op.runtime.ReusePolicy has the refresh rules).
     *
     * @param enabled          reuse a camera's kept state on its next frames (false: every frame hashes and merges afresh)
     * @param refreshEvery     refresh at the latest every this many frames of a camera
     * @param driftThreshold   refresh at once when the frame's signature distance from the refresh frame's exceeds this (0..2)
     * @param quietAfterMs     a camera silent this long refreshes on its next frame
     * @param memoryBudgetMb   native memory all cameras' kept states may take together; beyond it the least recently
     *                         used camera's state is dropped
     */
    public record StreamReuse(boolean enabled, int refreshEvery, double driftThreshold, long quietAfterMs, long memoryBudgetMb) {}

    /** {@code optimization} as its constant (validated at load). */
    public GraphOptimization graphOptimization() {
        return ConfigChecks.Choices.parse(GraphOptimization.class, optimization).orElseThrow();
    }

    /** {@code kernel} as its constant (validated at load). */
    public KernelChoice kernelChoice() {
        return ConfigChecks.Choices.parse(KernelChoice.class, kernel).orElseThrow();
    }

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(path != null && !path.isBlank(), "model.path", "the ONNX model file", path);
        c.check(card != null && !card.isBlank(), "model.card", "the model card file", card);
        c.check(level >= 0, "model.level", "0 or more (0 = dense)", level);
        c.check(intraOpThreads >= 1 && intraOpThreads <= 64, "model.intra_op_threads", "1 to 64", intraOpThreads);
        c.choice(GraphOptimization.class, "model.optimization", optimization);
        c.choice(KernelChoice.class, "model.kernel", kernel);
        c.check(streamReuse != null, "model.stream_reuse", "an object", null);
        if (streamReuse != null) {
            StreamReuse r = streamReuse;
            c.check(r.refreshEvery >= 1 && r.refreshEvery <= 100_000, "model.stream_reuse.refresh_every", "1 to 100000", r.refreshEvery);
            c.check(r.driftThreshold >= 0 && r.driftThreshold <= 2, "model.stream_reuse.drift_threshold", "0 to 2", r.driftThreshold);
            c.check(r.quietAfterMs >= 1, "model.stream_reuse.quiet_after_ms", "1 or more", r.quietAfterMs);
            c.check(r.memoryBudgetMb >= 1 && r.memoryBudgetMb <= 1 << 20, "model.stream_reuse.memory_budget_mb", "1 to 1048576",
                    r.memoryBudgetMb);
        }
    }
}
