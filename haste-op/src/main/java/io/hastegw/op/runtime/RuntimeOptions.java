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
 * @param nchwcBlock   ONNX Runtime's NCHWc block size on this machine (see {@link NchwcLayout}), 0 for none: with
 *                     the native kernel, HASTE layers then run their reduced convolution on the NCHWc kernels
 * @param streamReuse  frames run with stream reuse ({@link HasteStream}): a cost plan then measures what a reused frame
 *                     costs (most frames), not a frame hashed and merged on its own
 */
public record RuntimeOptions(int threads, OrtSession.SessionOptions.OptLevel optimization, NativeKernel.Availability kernel,
                             Optional<CostTable> plan, int nchwcBlock, boolean streamReuse) {
    /** All optimisations, the native kernel when it loads (with NCHWc where the machine has it), no cost plan. */
    public static RuntimeOptions of(int threads) {
        return of(threads, OrtSession.SessionOptions.OptLevel.ALL_OPT, NativeKernel.load());
    }

    /** The options for {@code kernel}: NCHWc where this machine's ONNX Runtime has it and the optimisation level uses it. */
    public static RuntimeOptions of(int threads, OrtSession.SessionOptions.OptLevel optimization, NativeKernel.Availability kernel) {
        int block = kernel.kernel().isPresent() && optimization == OrtSession.SessionOptions.OptLevel.ALL_OPT
                ? NchwcLayout.blockSize(ai.onnxruntime.OrtEnvironment.getEnvironment()) : 0;
        return new RuntimeOptions(threads, optimization, kernel, Optional.empty(), block, false);
    }

    /** A copy that runs with the decisions of {@code costs}. */
    public RuntimeOptions withPlan(CostTable costs) {
        return new RuntimeOptions(threads, optimization, kernel, Optional.of(costs), nchwcBlock, streamReuse);
    }

    /** A copy whose cost plan (when one is measured) times frames that reuse a camera's kept state. */
    public RuntimeOptions withStreamReuse() {
        return new RuntimeOptions(threads, optimization, kernel, plan, nchwcBlock, true);
    }

    /** How a cost plan made with these options names the kernel in its device fingerprint: the kernel, and "+reuse" for stream reuse. */
    public String planKernel(io.hastegw.op.transform.HasteKernel k) {
        return k.name().toLowerCase(java.util.Locale.ROOT) + (streamReuse ? "+reuse" : "");
    }

    /** A copy on the portable kernel, with {@code reason} as why the native one is not used. */
    public RuntimeOptions portable(String reason) {
        return new RuntimeOptions(threads, optimization, new NativeKernel.Availability(Optional.empty(), reason), plan, 0, streamReuse);
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
