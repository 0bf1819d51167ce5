package io.hastegw.daemon.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.daemon.config.ConfigEnums.KernelChoice;
import io.hastegw.daemon.config.ModelSection;
import io.hastegw.daemon.messages.Figures;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.analysis.ModelAnalysis;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.cost.CostCache;
import io.hastegw.op.cost.CostPlans;
import io.hastegw.op.cost.CostTable;
import io.hastegw.op.cost.SystemLoad;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModelException;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.runtime.NativeKernel;
import io.hastegw.op.runtime.ReusePolicy;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.plugin.api.InferenceEngine;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.InputTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onnx.Onnx.ModelProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in inference stage on ONNX Runtime. A HASTE model (made by {@code haste-op
 * transform}) runs at the requested level and reports the MACs it executed; a plain model runs
 * dense (level 0 only). HASTE layers run on the native kernel when it loads (otherwise on the
 * portable graph, with a warning), and by default with the device's cost plan: at every level
 * only the layers measured faster than dense run HASTE, and a level that is not faster as a whole
 * runs the original model (see {@link CostPlans}). With stream reuse on (the default), a camera's
 * frames reuse the buckets and merged filters of a recent frame of that camera ({@link
 * CameraStreams}). ONNX Runtime sessions allow concurrent runs, so one engine serves every worker.
 */
public final class OnnxEngine implements InferenceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEngine.class);
    /** Images the cost model is calibrated on. */
    static final int CALIBRATION_IMAGES = 4;

    private final OrtEnvironment env;
    private final ModelCard card;
    private final HasteSession haste;
    private final OrtSession dense;
    private final long denseMacs;
    private final Map<String, Object> details;
    /** Every camera's stream-reuse state; empty for a plain model or with model.stream_reuse.enabled false. */
    private final Optional<CameraStreams> streams;

    private OnnxEngine(OrtEnvironment env, ModelCard card, HasteSession haste, OrtSession dense, long denseMacs,
                       Map<String, Object> details, Optional<CameraStreams> streams) {
        this.env = env;
        this.card = card;
        this.haste = haste;
        this.dense = dense;
        this.denseMacs = denseMacs;
        this.details = details;
        this.streams = streams;
    }

    /**
     * Opens the configured model with its card.
     *
     * @throws OnnxModelException when the file is missing, not ONNX, truncated or of an unsupported opset
     */
    public static OnnxEngine open(OrtEnvironment env, ModelSection config, ModelCard card)
            throws OnnxModelException, OrtException, IOException {
        Path model = Path.of(config.path());
        ModelProto proto = OnnxModels.read(model);
        OrtSession.SessionOptions.OptLevel opt = switch (config.graphOptimization()) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        };
        boolean portable = config.kernelChoice() == KernelChoice.PORTABLE;
        if (HasteModelInfo.of(proto).isPresent()) {
            NativeKernel.Availability kernel = portable
                    ? new NativeKernel.Availability(Optional.empty(), "model.kernel is portable") : NativeKernel.load();
            if (kernel.kernel().isEmpty() && !portable) {
                LOG.warn("HASTE layers run on the portable graph (slower): {}", kernel.reason());
            }
            RuntimeOptions plain = RuntimeOptions.of(config.intraOpThreads(), opt, kernel);
            // With stream reuse, most frames reuse their camera's state: the cost plan measures those frames.
            RuntimeOptions options = config.streamReuse().enabled() ? plain.withStreamReuse() : plain;
            HasteSession session = new HasteSession(env, model, card.output().name(), options);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kernel", kernel.describe());
            if (config.costPlan()) {
                CostPlans.Plan plan = costPlan(env, model, config, card, session, options);
                LOG.info("cost plan {}", plan.summary());
                session.close();
                session = new HasteSession(env, model, card.output().name(), options.withPlan(plan.table()));
                details.put("cost_plan", plan);
            } else {
                details.put("cost_plan", "off (model.cost_plan: false): every level runs its schedule as is");
            }
            ModelSection.StreamReuse reuse = config.streamReuse();
            Optional<CameraStreams> streams = reuse.enabled()
                    ? Optional.of(new CameraStreams(new ReusePolicy(reuse.refreshEvery(), reuse.driftThreshold(), Duration.ofMillis(reuse.quietAfterMs())),
                    reuse.memoryBudgetMb() << 20, System::nanoTime))
                    : Optional.empty();
            try {
                checkOutput(card, session.run(zeros(card), 0).scores().shape());
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
            return new OnnxEngine(env, card, session, null, MacsAccount.dense(session.info().computeLayers()).denseTotal(), details, streams);
        }
        long macs = MacsAccount.dense(ModelAnalysis.layers(env, proto, card.input().name(), InputShape.batchOne(proto, card)))
                .denseTotal();
        try (OrtSession.SessionOptions options = OrtModels.options(config.intraOpThreads())) {
            options.setOptimizationLevel(opt);
            OrtSession dense = env.createSession(proto.toByteArray(), options);
            try (OnnxTensor x = zeros(card).toOnnx(env); OrtSession.Result r = dense.run(Map.of(card.input().name(), x))) {
                checkOutput(card, ((OnnxTensor) r.get(card.output().name()).orElseThrow(() -> new OnnxModelException(model,
                        "the model has no output '" + card.output().name() + "' (the model card's output.name)"))).getInfo().getShape());
            } catch (OnnxModelException | OrtException | RuntimeException e) {
                dense.close();
                throw e;
            }
            return new OnnxEngine(env, card, null, dense, macs, Map.of("kernel", "dense model"), Optional.empty());
        }
    }

    /** A blank batch-1 input of the card's shape. */
    private static FloatTensor zeros(ModelCard card) {
        int[] chw = card.chw();
        return new FloatTensor(new float[chw[0] * chw[1] * chw[2]], new long[] {1, chw[0], chw[1], chw[2]});
    }

    /** The model's real output {@code shape} must be what the card's output kind and labels say; the error names both. */
    private static void checkOutput(ModelCard card, long[] shape) {
        card.output().kind().mismatch(card.output().name(), shape, card.labels().size()).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    private static CostPlans.Plan costPlan(OrtEnvironment env, Path model, ModelSection config, ModelCard card,
                                           HasteSession session, RuntimeOptions options) throws IOException, OrtException {
        Path cache = config.costCache() != null ? Path.of(config.costCache()) : CostCache.defaultDir();
        return CostPlans.load(env, model, session, options, new CostCache(cache), new CostPlans.Calibration(() -> config.calibrationImages() == null
                ? CalibrationInputs.synthetic(card, CALIBRATION_IMAGES)
                : CalibrationInputs.fromFolder(Path.of(config.calibrationImages()), card, CALIBRATION_IMAGES), false, SystemLoad::perCore));
    }

    @Override
    public String modelName() {
        return card.name();
    }

    @Override
    public int levels() {
        return haste == null ? 1 : haste.info().schedule().levels();
    }

    @Override
    public Map<String, Object> details(int level) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernel", details.get("kernel"));
        if (haste == null) {
            return out;
        }
        out.put("method", haste.info().describe());
        if (haste.info().scheduleOrigin() != null) {
            out.put("schedule", haste.info().scheduleOrigin());
        }
        Object plan = details.get("cost_plan");
        if (plan instanceof CostPlans.Plan p) {
            CostTable t = p.table();
            List<Map<String, Object>> levels = new ArrayList<>();
            for (int l = 0; l < t.levelDense().length; l++) {
                levels.add(Map.of("level", l, "haste_layers", t.hasteLayers(l), "runs", t.levelDense()[l] ? "dense model" : "haste",
                        "measured_ms", Figures.round3(t.levelMillis()[l])));
            }
            out.put("cost_plan", Map.of("source", p.calibrated() ? "calibrated at start" : "cache", "file", p.file().toString(),
                    "dense_ms", Figures.round3(t.denseModelMillis()), "levels", levels,
                    "measured_load_per_core", Math.round(t.loadPerCore() * 100) / 100.0));
        } else {
            out.put("cost_plan", plan);
        }
        int[] planes = haste.planes(level);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < planes.length; i++) {
            layers.add(Map.of("layer", haste.info().hasteLayers().get(i).name(), "hyperplanes", planes[i],
                    "runs", planes[i] == 0 ? "dense" : "haste"));
        }
        out.put("layers_at_level", layers);
        out.put("stream_reuse", streams.map(CameraStreams::status).orElse(Map.of("enabled", false)));
        return out;
    }

    /** The cost plan's measured time per level (the dense model's time where a level runs it); empty without a plan. */
    @Override
    public double[] measuredLevelMillis() {
        if (!(details.get("cost_plan") instanceof CostPlans.Plan p)) {
            return new double[0];
        }
        CostTable t = p.table();
        double[] ms = new double[t.levelMillis().length];
        for (int l = 0; l < ms.length; l++) {
            ms[l] = t.levelDense()[l] ? t.denseModelMillis() : t.levelMillis()[l];
        }
        return ms;
    }

    @Override
    public InferenceResult run(InputTensor input, int level) throws OrtException {
        FloatTensor x = new FloatTensor(input.data(), input.shape());
        if (haste != null) {
            return result(haste.run(x, level), level);
        }
        if (level != 0) {
            throw new IllegalArgumentException("compression level " + level + " is out of range; allowed: 0 (dense) to 0 (plain model)");
        }
        try (OnnxTensor t = x.toOnnx(env);
             OrtSession.Result r = dense.run(Map.of(card.input().name(), t))) {
            float[] scores = FloatTensor.of((OnnxTensor) r.get(card.output().name()).orElseThrow()).data();
            return new InferenceResult(scores, 0, denseMacs, denseMacs);
        }
    }

    /**
     * Runs a frame of {@code cameraId}: with stream reuse on (a HASTE model), on the camera's kept
     * buckets and merged filters unless a refresh is due; otherwise as {@link #run(InputTensor, int)}.
     */
    @Override
    public InferenceResult run(InputTensor input, int level, String cameraId) throws OrtException {
        if (streams.isEmpty()) {
            return run(input, level);
        }
        return result(streams.get().run(haste, cameraId, new FloatTensor(input.data(), input.shape()), level).inference(), level);
    }

    /** A HASTE inference at {@code level} as the stage's result. */
    private static InferenceResult result(HasteSession.Inference inference, int level) {
        return new InferenceResult(inference.scores().data(), level, inference.macs().denseTotal(), inference.macs().executedTotal());
    }

    @Override
    public void forget(String cameraId) {
        streams.ifPresent(s -> s.forget(cameraId));
    }

    /** The stream-reuse state of every camera, for the gateway's metrics; empty when reuse is off. */
    public Optional<CameraStreams> streams() {
        return streams;
    }

    @Override
    public void close() throws OrtException {
        streams.ifPresent(CameraStreams::close);
        if (haste != null) {
            haste.close();
        }
        if (dense != null) {
            dense.close();
        }
    }
}
