package io.hastegw.op.transform;

import static io.hastegw.op.transform.GraphWriting.constant;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import java.util.List;
import onnx.Onnx.NodeProto;

/**
 * The native kernel's HASTE layer: one hash-and-merge node of the native library, then the
 * reduced convolution, either the plain Conv or, with an NCHWc block, ONNX Runtime's NCHWc
 * convolution (its fastest; its optimiser only uses it for constant weights) on the merged input
 * and filters the native node writes in the NCHWc layouts, back to NCHW.
 */
final class NativeKernelWriter {
    private NativeKernelWriter() {}

    static void write(LayerContext c, String p, String out, String channelsOut, NodeProto reducedConv) {
        LayerSetup setup = c.setup();
        String k = c.k();
        String weights = c.conv().getInput(1);
        int block = setup.nchwcBlock();
        if (block > 0) {
            int o = c.info().outChannels();
            long[] w = c.info().weightShape();
            weights = k + "weights_nchwc";
            constant(c.g(), weights, () -> Tensors.floats(k + "weights_nchwc", Nchwc.blockByOutput(Tensors.toFloats(OnnxModels.initializer(
                    c.original(), c.conv().getInput(1))), o, c.info().inChannels(), Math.toIntExact(c.info().kernelSize()), block),
                    Nchwc.blocks(o, block), w[1], w[2], w[3]));
        }
        NodeProto.Builder merge = Nodes.node(setup.mergeOp(), p + "merge", List.of(c.conv().getInput(0), weights, k + "hyperplanes",
                k + "planes"), setup.mergeOutputs(p, channelsOut)).setDomain(GraphWriting.NATIVE_DOMAIN);
        if (block > 0) {
            c.h().addNode(setup.attributes(merge.addAttribute(Nodes.intAttr("nchwc_block", block))));
            blockedConv(c, p, out);
        } else {
            c.h().addNode(setup.attributes(merge));
            c.h().addNode(reducedConv);
        }
    }

    /** ONNX Runtime's NCHWc convolution of {@code p}'s merged input and filters, the bias padded to whole blocks, back to NCHW {@code out}. */
    static void blockedConv(LayerContext c, String p, String out) {
        int block = c.setup().nchwcBlock();
        int o = c.info().outChannels();
        int padded = Math.toIntExact(Nchwc.blocks(o, block));
        float[] bias = new float[padded];
        if (c.hasBias()) {
            float[] b = Tensors.toFloats(OnnxModels.initializer(c.original(), c.conv().getInput(2)));
            System.arraycopy(b, 0, bias, 0, o);
        }
        String k = c.k();
        constant(c.g(), k + "bias_nchwc", () -> Tensors.floats(k + "bias_nchwc", bias, padded));
        c.h().addAllNode(Nchwc.conv(c.conv().toBuilder().setName(p + "reduced_conv").build(),
                List.of(p + "merged_input", p + "merged_weights", k + "bias_nchwc"), p + "reduced_nchwc", out, o));
    }
}
