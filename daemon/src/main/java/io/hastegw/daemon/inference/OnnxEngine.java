package io.hastegw.daemon.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.analysis.ModelAnalysis;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModelException;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.runtime.HasteSession;
import io.hastegw.op.transform.HasteModelInfo;
import io.hastegw.plugin.api.InferenceEngine;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.InputTensor;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import onnx.Onnx.ModelProto;

/**
 * The built-in inference stage on ONNX Runtime. A HASTE model (made by {@code haste-op
 * transform}) runs at the requested level and reports the MACs it executed; a plain model runs
 * dense (level 0 only). ONNX Runtime sessions allow concurrent runs, so one engine serves every
 * worker.
 */
public final class OnnxEngine implements InferenceEngine {
    private final OrtEnvironment env;
    private final ModelCard card;
    private final HasteSession haste;
    private final OrtSession dense;
    private final long denseMacs;

    private OnnxEngine(OrtEnvironment env, ModelCard card, HasteSession haste, OrtSession dense, long denseMacs) {
        this.env = env;
        this.card = card;
        this.haste = haste;
        this.dense = dense;
        this.denseMacs = denseMacs;
    }

    /**
     * Opens {@code model} with its card.
     *
     * @param threads      intra-op threads
     * @param optimization none, basic, extended or all
     * @throws OnnxModelException when the file is missing, not ONNX, truncated or of an unsupported opset
     */
    public static OnnxEngine open(OrtEnvironment env, Path model, ModelCard card, int threads, String optimization)
            throws OnnxModelException, OrtException {
        ModelProto proto = OnnxModels.read(model);
        try (OrtSession.SessionOptions options = OrtModels.options(threads)) {
            options.setOptimizationLevel(switch (optimization.toLowerCase(Locale.ROOT)) {
                case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            if (HasteModelInfo.of(proto).isPresent()) {
                HasteSession session = new HasteSession(env, model, card.output().name(), options);
                return new OnnxEngine(env, card, session, null, MacsAccount.dense(session.info().computeLayers()).denseTotal());
            }
            long macs = MacsAccount.dense(ModelAnalysis.layers(env, proto, card.input().name(), InputShape.batchOne(proto, card)))
                    .denseTotal();
            return new OnnxEngine(env, card, null, env.createSession(proto.toByteArray(), options), macs);
        }
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
    public InferenceResult run(InputTensor input, int level) throws OrtException {
        FloatTensor x = new FloatTensor(input.data(), input.shape());
        if (haste != null) {
            HasteSession.Inference inf = haste.run(x, level);
            return new InferenceResult(inf.scores().data(), level, inf.macs().denseTotal(), inf.macs().executedTotal());
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

    @Override
    public void close() throws OrtException {
        if (haste != null) {
            haste.close();
        }
        if (dense != null) {
            dense.close();
        }
    }
}
