package io.hastegw.op.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.accounting.MacsAccount;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModelException;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteModelInfo;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import onnx.Onnx.ModelProto;

/**
 * An ONNX Runtime session on a HASTE-enabled model: runs one image at a chosen compression level
 * and accounts for the MACs that inference actually executed.
 */
public final class HasteSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HasteModelInfo info;
    private final String outputName;

    /**
     * Opens {@code file}, which must be a HASTE model (made by {@code haste-op transform}).
     *
     * @param outputName the scores output (from the model card)
     */
    public HasteSession(OrtEnvironment env, Path file, String outputName, OrtSession.SessionOptions options)
            throws OnnxModelException, OrtException {
        ModelProto model = OnnxModels.read(file);
        this.info = HasteModelInfo.of(model).orElseThrow(() -> new OnnxModelException(file,
                "not a HASTE model (no '" + HasteModelInfo.METADATA_KEY + "' metadata); create one with haste-op transform"));
        this.env = env;
        this.outputName = outputName;
        this.session = env.createSession(model.toByteArray(), options);
    }

    /** The model's HASTE metadata. */
    public HasteModelInfo info() {
        return info;
    }

    /**
     * Runs {@code input} (batch 1) at {@code level}.
     *
     * @throws IllegalArgumentException when the level is outside the model's schedule
     */
    public Inference run(FloatTensor input, int level) throws OrtException {
        info.schedule().checkLevel(level);
        try (OnnxTensor x = input.toOnnx(env);
             OnnxTensor l = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {level}), new long[0]);
             OrtSession.Result result = session.run(Map.of(info.inputName(), x, HasteModelInfo.LEVEL_INPUT, l))) {
            FloatTensor scores = FloatTensor.of((OnnxTensor) result.get(outputName).orElseThrow());
            long[] channels = (long[]) result.get(HasteModelInfo.CHANNELS_OUTPUT).orElseThrow().getValue();
            return new Inference(scores, channels, MacsAccount.of(info, level, channels));
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /**
     * One inference.
     *
     * @param scores          the model output
     * @param reducedChannels channels each HASTE layer convolved
     * @param macs            the MACs account of this inference
     */
    public record Inference(FloatTensor scores, long[] reducedChannels, MacsAccount macs) {}
}
