package io.hastegw.op.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.cost.CostTable;
import io.hastegw.op.onnx.OrtModels;
import java.util.Optional;

/**
 * How {@link HasteSession} builds its sessions.
 *
 * @param threads      intra-op threads
 * @param optimization ONNX Runtime graph optimisation level
 * @param kernel       the native kernel, or why it is unavailable (then HASTE layers run portable)
 * @param plan         measured per-layer decisions (HASTE or dense at each level); empty: the schedule as is
 */
public record RuntimeOptions(int threads, OrtSession.SessionOptions.OptLevel optimization, NativeKernel.Availability kernel,
                             Optional<CostTable> plan) {
    /** All optimisations, the native kernel when it loads, no cost plan. */
    public static RuntimeOptions of(int threads) {
        return new RuntimeOptions(threads, OrtSession.SessionOptions.OptLevel.ALL_OPT, NativeKernel.load(), Optional.empty());
    }

    /** A copy that runs with the decisions of {@code costs}. */
    public RuntimeOptions withPlan(CostTable costs) {
        return new RuntimeOptions(threads, optimization, kernel, Optional.of(costs));
    }

    /** A copy on the portable kernel, with {@code reason} as why the native one is not used. */
    public RuntimeOptions portable(String reason) {
        return new RuntimeOptions(threads, optimization, new NativeKernel.Availability(Optional.empty(), reason), plan);
    }

    /** Fresh session options (the caller closes them): threads, optimisation, native kernel registered. */
    public OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions so = OrtModels.options(threads);
        so.setOptimizationLevel(optimization);
        if (kernel.kernel().isPresent()) {
            kernel.kernel().get().register(so);
        }
        return so;
    }
}
