package io.hastegw.op.transform;

import io.hastegw.op.onnx.Nodes;
import java.util.List;
import onnx.Onnx.NodeProto;

/**
 * How one HASTE layer is written: the kernel, for the native one the NCHWc block (0: plain
 * NCHW) and the threads its hash-and-merge may use, the layer's hash stride and merge, and the
 * stream-reuse step.
 */
record LayerSetup(HasteKernel kernel, int nchwcBlock, int threads, int stride, MergeMode merge, StreamStep step) {
    /** The native operators: hash-and-merge, the same keeping its buckets (a refresh frame), and the merge of kept buckets (a reuse frame). */
    static final String NATIVE_OP = "HasteMerge";
    static final String NATIVE_STATE_OP = "HasteMergeState";
    static final String NATIVE_APPLY_OP = "HasteApply";

    /** This setup with another NCHWc block (0: plain NCHW). */
    LayerSetup withNchwcBlock(int block) {
        return new LayerSetup(kernel, block, threads, stride, merge, step);
    }

    /** The native hash-and-merge operator: HasteMergeState where a refresh frame keeps its buckets. */
    String mergeOp() {
        return step == StreamStep.REFRESH ? NATIVE_STATE_OP : NATIVE_OP;
    }

    /** The native hash-and-merge node's outputs, for the layer or patch {@code p}. */
    List<String> mergeOutputs(String p, String channelsOut) {
        return step == StreamStep.REFRESH ? List.of(p + "merged_input", p + "merged_weights", channelsOut, p + "buckets")
                : List.of(p + "merged_input", p + "merged_weights", channelsOut);
    }

    /** The native {@code node} with its optional attributes where they differ from the defaults. */
    NodeProto attributes(NodeProto.Builder node) {
        if (threads > 1) {
            node.addAttribute(Nodes.intAttr("threads", threads));
        }
        if (stride > 1) {
            node.addAttribute(Nodes.intAttr("hash_stride", stride));
        }
        if (merge == MergeMode.SCALE) {
            node.addAttribute(Nodes.intAttr("scale_aware", 1));
        }
        return node.build();
    }
}
