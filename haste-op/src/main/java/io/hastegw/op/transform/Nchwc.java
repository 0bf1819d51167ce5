package io.hastegw.op.transform;

import io.hastegw.op.onnx.Nodes;
import java.util.List;
import onnx.Onnx.NodeProto;

/** ONNX Runtime's NCHWc layout as HASTE writes it: whole blocks of channels, blocked filters, the NCHWc Conv and its reorder back to NCHW. */
public final class Nchwc {
    private Nchwc() {}

    /** {@code n} channels rounded up to whole NCHWc blocks of {@code block}. */
    public static long blocks(long n, int block) {
        return (n + block - 1) / block * block;
    }

    /**
     * {@code conv}'s attributes on ONNX Runtime's NCHWc Conv reading {@code inputs} (blocked input,
     * blocked filters, padded bias), then ReorderOutput from {@code blockedOut} back to NCHW
     * {@code out} with {@code channels} channels.
     */
    public static List<NodeProto> conv(NodeProto conv, List<String> inputs, String blockedOut, String out, long channels) {
        return List.of(conv.toBuilder().setDomain(GraphWriting.NCHWC_DOMAIN).clearInput().addAllInput(inputs).clearOutput()
                        .addOutput(blockedOut).build(),
                Nodes.node("ReorderOutput", conv.getName() + "/reorder_output", List.of(blockedOut), List.of(out))
                        .setDomain(GraphWriting.NCHWC_DOMAIN).addAttribute(Nodes.intAttr("channels", channels)).build());
    }

    /** W [O, C, kk] to [O / block][C][kk][block], output channels padded with zeros to whole blocks. */
    static float[] blockByOutput(float[] w, int o, int c, int kk, int block) {
        int padded = Math.toIntExact(blocks(o, block));
        float[] t = new float[padded * c * kk];
        for (int oi = 0; oi < o; oi++) {
            for (int ci = 0; ci < c; ci++) {
                for (int k = 0; k < kk; k++) {
                    t[(((oi / block) * c + ci) * kk + k) * block + oi % block] = w[(oi * c + ci) * kk + k];
                }
            }
        }
        return t;
    }
}
