package io.hastegw.op.cost;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;

/**
 * The cost plan of a HASTE model on this device: from the cache when there, else calibrated and
 * stored. A cached plan measured on a busy machine is measured again once the machine is at most
 * half as busy as it was then (a busy machine's timings favour whatever waited least).
 */
public final class CostPlans {
    private CostPlans() {}

    /**
     * A plan and where it came from.
     *
     * @param table      the measured costs and decisions
     * @param file       the cache file it was read from or stored to
     * @param calibrated true when it was measured just now
     * @param why        why it was measured now (no plan cached, forced, the cached one measured under load), or null
     */
    public record Plan(CostTable table, Path file, boolean calibrated, String why) {
        /** One line for logs: where the plan came from, the load it was measured at, and how many layers run HASTE per level. */
        public String summary() {
            StringBuilder b = new StringBuilder(calibrated ? "calibrated (" + why + ")" : "from cache").append(" (").append(file)
                    .append(", measured at load ").append(table.loadPerCore() < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f per core",
                            table.loadPerCore())).append(table.measuredUnderLoad() ? ", busy" : "").append("): HASTE layers per level");
            for (int level = 0; level < table.levelDense().length; level++) {
                b.append(level == 0 ? " " : ", ").append(level).append(": ").append(table.hasteLayers(level));
            }
            return b.append(" of ").append(table.layers().length).toString();
        }
    }

    /**
     * How a plan is measured when it must be.
     *
     * @param inputs the calibration inputs, read only when measuring
     * @param force  measure again even when a plan is cached
     * @param load   the machine's load per core now ({@link SystemLoad#perCore} outside tests)
     */
    public record Calibration(Callable<List<FloatTensor>> inputs, boolean force, DoubleSupplier load) {}

    /**
     * The plan for {@code session}'s model file {@code model}: read from {@code cache} when one
     * matches the model and this device and it need not be measured again, otherwise calibrated
     * on {@code inputs} and stored.
     *
     * @param calibration the inputs to measure on, whether to measure even when a plan is cached, the load now
     */
    public static Plan load(OrtEnvironment env, Path model, HasteSession session, RuntimeOptions options, CostCache cache,
                            Calibration calibration) throws IOException, OrtException {
        Callable<List<FloatTensor>> inputs = calibration.inputs();
        boolean force = calibration.force();
        DoubleSupplier load = calibration.load();
        String sha = CostCache.sha256(model);
        Device device = Device.current(env.getVersion(), options.threads(), options.planKernel(session.kernel()));
        var found = cache.find(sha, device);
        double now = load.getAsDouble();
        String why;
        if (force) {
            why = "asked to";
        } else if (found.isEmpty()) {
            why = "no plan cached for this model and device";
        } else if (found.get().measuredUnderLoad() && now >= 0 && now <= found.get().loadPerCore() / 2) {
            why = String.format(Locale.ROOT, "the cached plan was measured at load %.2f per core, now %.2f", found.get().loadPerCore(), now);
        } else {
            return new Plan(found.get(), cache.file(sha, device), false, null);
        }
        List<FloatTensor> in;
        try {
            in = inputs.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read the calibration images: " + e.getMessage(), e);
        }
        CostTable table = new CostCalibrator(env, 3, CostCalibrator.DEFAULT_MARGIN).calibrate(session, sha, options, in, now);
        return new Plan(table, cache.store(table), true, why);
    }
}
