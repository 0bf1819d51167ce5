package io.hastegw.op.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.onnx.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * ONNX Runtime's NCHWc convolution (domain {@value #DOMAIN}): its fastest CPU convolution, which
 * its optimiser only uses for constant weights. The native kernel can hand it merged weights in its
 * layout at run time; that needs the block size this machine's ONNX Runtime uses (16 with
 * AVX-512, 8 with AVX2, none where NCHWc is not built, e.g. on ARM).
 */
public final class NchwcLayout {
    /** The contrib-operator domain of the NCHWc operators. */
    public static final String DOMAIN = "com.microsoft.nchwc";

    private NchwcLayout() {}

    /**
     * The NCHWc block size of this machine's ONNX Runtime, 0 when it has none: read off the
     * filter of a 4-channel convolution in the model ONNX Runtime optimises for this machine
     * (its output channels are padded to one block).
     */
    public static int blockSize(OrtEnvironment env) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("nchwc-probe")
                .addInput(Tensors.valueInfo("x", TensorProto.DataType.FLOAT_VALUE, 1, 4, 8, 8))
                .addOutput(Tensors.floatValueInfo("y"))
                .addInitializer(Tensors.floats("w", new float[4 * 4 * 9], 4, 4, 3, 3))
                .addNode(Nodes.node("Conv", "conv", List.of("x", "w"), List.of("y")).addAttribute(Nodes.intsAttr("pads", 1, 1, 1, 1)));
        ModelProto probe = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
        Path optimised = null;
        try {
            optimised = Files.createTempFile("nchwc-probe", ".onnx");
            try (OrtSession.SessionOptions so = OrtModels.options(1)) {
                so.setOptimizedModelFilePath(optimised.toString());
                env.createSession(probe.toByteArray(), so).close();
            }
            ModelProto m = OnnxModels.read(optimised);
            for (NodeProto n : m.getGraph().getNodeList()) {
                if (n.getDomain().equals(DOMAIN) && n.getOpType().equals("Conv")) {
                    return Math.toIntExact(Tensors.dims(OnnxModels.initializer(m.getGraph(), n.getInput(1)))[0]);
                }
            }
            return 0;
        } catch (IOException | OrtException | RuntimeException | io.hastegw.op.onnx.OnnxModelException e) {
            return 0;
        } finally {
            if (optimised != null) {
                optimised.toFile().delete();
            }
        }
    }
}
