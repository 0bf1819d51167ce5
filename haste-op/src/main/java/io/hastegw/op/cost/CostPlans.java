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

/** The cost plan of a HASTE model on this device: from the cache when there, else calibrated and stored. */
public final class CostPlans {
    private CostPlans() {}

    /**
     * A plan and where it came from.
     *
     * @param table      the measured costs and decisions
     * @param file       the cache file it was read from or stored to
     * @param calibrated true when it was measured just now
     */
    public record Plan(CostTable table, Path file, boolean calibrated) {
        /** One line for logs: where the plan came from and how many layers run HASTE per level. */
        public String summary() {
            StringBuilder b = new StringBuilder(calibrated ? "calibrated" : "from cache").append(" (").append(file).append("): HASTE layers per level");
            for (int level = 0; level < table.levelDense().length; level++) {
                b.append(level == 0 ? " " : ", ").append(level).append(": ").append(table.hasteLayers(level));
            }
            return b.append(" of ").append(table.layers().length).toString();
        }
    }

    /**
     * The plan for {@code session}'s model file {@code model}: read from {@code cache} when one
     * matches the model and this device, otherwise calibrated on {@code inputs} and stored.
     */
    public static Plan load(OrtEnvironment env, Path model, HasteSession session, RuntimeOptions options, CostCache cache,
                            Callable<List<FloatTensor>> inputs) throws IOException, OrtException {
        String sha = CostCache.sha256(model);
        Device device = Device.current(env.getVersion(), options.threads(), session.kernel().name().toLowerCase(Locale.ROOT));
        var found = cache.find(sha, device);
        if (found.isPresent()) {
            return new Plan(found.get(), cache.file(sha, device), false);
        }
        List<FloatTensor> in;
        try {
            in = inputs.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read the calibration images: " + e.getMessage(), e);
        }
        CostTable table = new CostCalibrator(env, 3, CostCalibrator.DEFAULT_MARGIN).calibrate(session, sha, options, in);
        return new Plan(table, cache.store(table), true);
    }
}
