package io.hastegw.op.transform;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.Tensors;
import java.util.List;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * A reuse frame's HASTE layer ({@link StreamStep#REUSE}): the kept state ({@code p +
 * "merged_weights"}, and {@code p + "buckets"} or {@code p + "input_merge"}) declared as graph
 * inputs; the input merged with the kept buckets (native: HasteApply; portable: one Gemm with the
 * kept membership over the bucket sizes) and convolved with the kept filters.
 */
final class StreamReuseWriter {
    private StreamReuseWriter() {}

    static void write(LayerContext c, String p, String out, NodeProto reducedConv) {
        c.g().addInput(Tensors.floatValueInfo(p + "merged_weights"));
        LayerSetup setup = c.setup();
        if (setup.kernel() == HasteKernel.NATIVE) {
            c.g().addInput(Tensors.valueInfo(p + "buckets", TensorProto.DataType.INT32_VALUE, c.info().inChannels()));
            NodeProto.Builder apply = Nodes.node(LayerSetup.NATIVE_APPLY_OP, p + "apply", List.of(c.conv().getInput(0), p + "buckets"),
                    List.of(p + "merged_input")).setDomain(GraphWriting.NATIVE_DOMAIN);
            if (setup.threads() > 1) {
                apply.addAttribute(Nodes.intAttr("threads", setup.threads()));
            }
            if (setup.nchwcBlock() > 0) {
                c.h().addNode(apply.addAttribute(Nodes.intAttr("nchwc_block", setup.nchwcBlock())));
                NativeKernelWriter.blockedConv(c, p, out);
                return;
            }
            c.h().addNode(apply);
            c.h().addNode(reducedConv);
            return;
        }
        c.g().addInput(Tensors.floatValueInfo(p + "input_merge"));
        PortableKernelWriter.flatInput(c, p);
        c.h().addNode(Nodes.node("Gemm", p + "merged_flat", List.of(p + "input_merge", p + "xf"), List.of(p + "merged_flat"))
                .addAttribute(Nodes.intAttr("transA", 1)));
        PortableKernelWriter.mergedInput(c, p);
        c.h().addNode(reducedConv);
    }
}
