package io.hastegw.op.transform;

import static io.hastegw.op.transform.GraphWriting.PREFIX;
import static io.hastegw.op.transform.GraphWriting.add;
import static io.hastegw.op.transform.GraphWriting.cast;
import static io.hastegw.op.transform.GraphWriting.constant;

import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;

/**
 * The portable kernel's HASTE layer, in standard ONNX operators only (plain ONNX Runtime runs it):
 * the hash of the centred input, buckets of identical codes, the input averaged and the filter
 * slices summed per bucket (HasteTransformer's class comment has the formulas), and with the
 * scale-aware merge the membership weighted by each channel's scale.
 */
final class PortableKernelWriter {
    private PortableKernelWriter() {}

    /** Portable code weights: row {@code level} holds 2^i for the level's L hyperplanes and 0 beyond. */
    static float[] codeWeights(long[] planes, int lmax) {
        float[] w = new float[planes.length * lmax];
        for (int level = 0; level < planes.length; level++) {
            for (int i = 0; i < planes[level]; i++) {
                w[level * lmax + i] = (float) (1 << i);
            }
        }
        return w;
    }

    static void write(LayerContext c, String p, String channelsOut, NodeProto reducedConv) {
        GraphProto.Builder g = c.g();
        GraphProto.Builder h = c.h();
        String k = c.k();
        int ch = c.info().inChannels();
        int o = c.info().outChannels();
        int kk = Math.toIntExact(c.info().kernelSize());
        int hashed = c.hashed();
        int stride = c.setup().stride();
        long[] in = c.info().inputShape();
        long[] w = c.info().weightShape();
        constant(g, k + "weights_t", () -> Tensors.floats(k + "weights_t", transposeWeights(
                Tensors.toFloats(OnnxModels.initializer(c.original(), c.conv().getInput(1))), o, ch, kk), o, kk, ch));
        constant(g, k + "shape_w4", () -> Tensors.longs(k + "shape_w4", new long[] {o, -1, w[2], w[3]}, 4));
        flatInput(c, p);
        String xs = p + "xf";
        if (stride > 1) {
            constant(g, k + "grid_starts", () -> Tensors.longs(k + "grid_starts", new long[] {0, 0}, 2));
            constant(g, k + "grid_ends", () -> Tensors.longs(k + "grid_ends", new long[] {in[2], in[3]}, 2));
            constant(g, k + "grid_axes", () -> Tensors.longs(k + "grid_axes", new long[] {2, 3}, 2));
            constant(g, k + "grid_steps", () -> Tensors.longs(k + "grid_steps", new long[] {stride, stride}, 2));
            constant(g, k + "shape_cs", () -> Tensors.longs(k + "shape_cs", new long[] {ch, hashed}, 2));
            add(h, "Slice", p, List.of(c.conv().getInput(0), k + "grid_starts", k + "grid_ends", k + "grid_axes", k + "grid_steps"), "grid");
            add(h, "Reshape", p, List.of(p + "grid", k + "shape_cs"), "xs");
            xs = p + "xs";
        }
        h.addNode(GraphWriting.reduceMeanChannels(xs, p + "mean", c.opset()));
        add(h, "Sub", p, List.of(xs, p + "mean"), "centred");
        add(h, "MatMul", p, List.of(p + "centred", k + "hyperplanes"), "projections");
        add(h, "Greater", p, List.of(p + "projections", PREFIX + "zero_f"), "bits_bool");
        h.addNode(cast(p + "bits_bool", p + "bits"));
        add(h, "MatMul", p, List.of(p + "bits", k + "level_weights"), "codes");
        h.addNode(Nodes.node("Unique", p + "buckets", List.of(p + "codes"), List.of(p + "bucket_codes", "", "", p + "bucket_sizes"))
                .addAttribute(Nodes.intAttr("sorted", 1)));
        add(h, "Unsqueeze", p, List.of(p + "codes", PREFIX + "axis1"), "codes_col");
        add(h, "Unsqueeze", p, List.of(p + "bucket_codes", PREFIX + "axis0"), "bucket_row");
        add(h, "Equal", p, List.of(p + "codes_col", p + "bucket_row"), "membership_bool");
        h.addNode(cast(p + "membership_bool", p + "membership"));
        h.addNode(Nodes.node("Gemm", p + "input_sums", List.of(p + "membership", p + "xf"), List.of(p + "input_sums"))
                .addAttribute(Nodes.intAttr("transA", 1)));
        add(h, "Unsqueeze", p, List.of(p + "bucket_sizes", PREFIX + "axis1"), "bucket_sizes_col");
        h.addNode(cast(p + "bucket_sizes_col", p + "bucket_sizes_f"));
        add(h, "Div", p, List.of(p + "input_sums", p + "bucket_sizes_f"), "merged_flat");
        if (c.setup().step() == StreamStep.REFRESH) {
            add(h, "Unsqueeze", p, List.of(p + "bucket_sizes", PREFIX + "axis0"), "bucket_sizes_row");
            h.addNode(cast(p + "bucket_sizes_row", p + "bucket_sizes_row_f"));
            add(h, "Div", p, List.of(p + "membership", p + "bucket_sizes_row_f"), "input_merge");
        }
        mergedInput(c, p);
        String filterMembership = p + "membership";
        if (c.setup().merge() == MergeMode.SCALE) {
            scaleNodes(c, p, xs, hashed);
            filterMembership = p + "scaled_membership";
        }
        add(h, "MatMul", p, List.of(k + "weights_t", filterMembership), "merged_weights_t");
        h.addNode(Nodes.node("Transpose", p + "merged_weights_okc", List.of(p + "merged_weights_t"), List.of(p + "merged_weights_okc"))
                .addAttribute(Nodes.intsAttr("perm", 0, 2, 1)));
        add(h, "Reshape", p, List.of(p + "merged_weights_okc", k + "shape_w4"), "merged_weights");
        h.addNode(reducedConv);
        h.addNode(Nodes.node("Shape", channelsOut, List.of(p + "bucket_codes"), List.of(channelsOut)));
    }

    /**
     * Scale-aware merging in standard operators, as the native kernel's haste_scales: {@code p +
     * "scaled_membership"} = the membership, each channel's row multiplied by its scale against its
     * bucket's mean on the hashed pixels {@code xs} ({@code [C, hashed]}); 1 where that mean is zero
     * (and, exactly, for buckets of one).
     */
    private static void scaleNodes(LayerContext c, String p, String xs, int hashed) {
        GraphProto.Builder h = c.h();
        String k = c.k();
        float[] ones = new float[hashed];
        Arrays.fill(ones, 1f);
        constant(c.g(), k + "ones_hashed", () -> Tensors.floats(k + "ones_hashed", ones, hashed, 1));
        constant(c.g(), k + "one_f", () -> Tensors.floats(k + "one_f", new float[] {1f}));
        h.addNode(Nodes.node("Gemm", p + "hashed_sums", List.of(p + "membership", xs), List.of(p + "hashed_sums"))
                .addAttribute(Nodes.intAttr("transA", 1)));
        add(h, "Div", p, List.of(p + "hashed_sums", p + "bucket_sizes_f"), "hashed_means");
        add(h, "MatMul", p, List.of(p + "membership", p + "hashed_means"), "representatives");
        add(h, "Mul", p, List.of(xs, p + "representatives"), "products");
        add(h, "MatMul", p, List.of(p + "products", k + "ones_hashed"), "numerators");
        add(h, "Mul", p, List.of(p + "representatives", p + "representatives"), "squares");
        add(h, "MatMul", p, List.of(p + "squares", k + "ones_hashed"), "norms");
        add(h, "Greater", p, List.of(p + "norms", PREFIX + "zero_f"), "norm_positive");
        add(h, "Div", p, List.of(p + "numerators", p + "norms"), "ratios");
        add(h, "Where", p, List.of(p + "norm_positive", p + "ratios", k + "one_f"), "scales");
        add(h, "Mul", p, List.of(p + "membership", p + "scales"), "scaled_membership");
    }

    /** {@code p + "xf"} = the layer's input as one row per channel, [C, P]. */
    static void flatInput(LayerContext c, String p) {
        String k = c.k();
        constant(c.g(), k + "shape_cp", () -> Tensors.longs(k + "shape_cp", new long[] {c.info().inChannels(), c.info().inputPixels()}, 2));
        add(c.h(), "Reshape", p, List.of(c.conv().getInput(0), k + "shape_cp"), "xf");
    }

    /** {@code p + "merged_input"} = the merged rows {@code p + "merged_flat"} [Cred, P] as a map [1, Cred, H, W]. */
    static void mergedInput(LayerContext c, String p) {
        long[] in = c.info().inputShape();
        String k = c.k();
        constant(c.g(), k + "shape_x4", () -> Tensors.longs(k + "shape_x4", new long[] {1, -1, in[2], in[3]}, 4));
        add(c.h(), "Reshape", p, List.of(p + "merged_flat", k + "shape_x4"), "merged_input");
    }

    /** W [O, C, kk] to W^T [O, kk, C], so that MatMul with the membership [C, Cred] sums slices per bucket. */
    private static float[] transposeWeights(float[] w, int o, int c, int kk) {
        float[] t = new float[w.length];
        for (int oi = 0; oi < o; oi++) {
            for (int ci = 0; ci < c; ci++) {
                for (int k = 0; k < kk; k++) {
                    t[(oi * kk + k) * c + ci] = w[(oi * c + ci) * kk + k];
                }
            }
        }
        return t;
    }
}
