package io.hastegw.op.transform;

import static io.hastegw.op.transform.GraphWriting.constant;

import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.onnx.Nodes;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Writes one layer's HASTE computation: on the whole map, or patch-wise; then, per frame step,
 * the hash and merge of the kernel in use ({@link PortableKernelWriter}, {@link NativeKernelWriter})
 * or, on a reuse frame, the kept state applied ({@link StreamReuseWriter}).
 */
final class LayerWriter {
    private LayerWriter() {}

    /**
     * Adds the HASTE computation of {@code c}'s convolution: on the whole map, or patch-wise with
     * {@code tiling}: the input padded once with the convolution's pads, cut into overlapping
     * windows (Slice), each window hashed, merged and convolved without padding as a HASTE layer of
     * its own (sharing the layer's constants), and the output tiles concatenated back into the map.
     * {@code channelsOut} is then the sum of the tiles' channel counts. Patch-wise layers run the
     * plain NCHW convolution (their accounting needs every tile's count, which the sum hides).
     */
    static void write(LayerContext c, Optional<Tiling> tiling, String p, String out, String channelsOut) {
        if (tiling.isEmpty()) {
            whole(c, p, out, channelsOut);
        } else {
            tiled(c, tiling.get(), p, out, channelsOut);
        }
    }

    private static void tiled(LayerContext c, Tiling t, String p, String out, String channelsOut) {
        String input = c.conv().getInput(0);
        if (t.padded()) {
            constant(c.g(), p + "patch_pads", () -> Tensors.longs(p + "patch_pads", t.onnxPads(), 8));
            c.h().addNode(Nodes.node("Pad", p + "patch_padded", List.of(input, p + "patch_pads"), List.of(p + "patch_padded")));
            input = p + "patch_padded";
        }
        constant(c.g(), p + "patch_axes", () -> Tensors.longs(p + "patch_axes", new long[] {2, 3}, 2));
        NodeProto.Builder unpadded = c.conv().toBuilder().clearAttribute();
        c.conv().getAttributeList().stream().filter(a -> !a.getName().equals("pads") && !a.getName().equals("auto_pad"))
                .forEach(unpadded::addAttribute);
        LayerInfo tileInfo = t.tileInfo(c.info());
        List<String> rows = new ArrayList<>();
        String channels = null;
        for (int ty = 0; ty < t.rows(); ty++) {
            List<String> row = new ArrayList<>();
            for (int tx = 0; tx < t.cols(); tx++) {
                String q = p + "tile" + ty + "_" + tx + "/";
                long[] start = t.start(ty, tx);
                c.h().addNode(Nodes.node("Slice", q + "window", List.of(input, q + "starts", q + "ends", p + "patch_axes"), List.of(q + "window")));
                c.g().addInitializer(Tensors.longs(q + "starts", start, 2));
                c.g().addInitializer(Tensors.longs(q + "ends", new long[] {start[0] + t.windowH(), start[1] + t.windowW()}, 2));
                whole(c.tile(unpadded.clone().setInput(0, q + "window").build(), tileInfo), q, q + "output", q + "channels");
                row.add(q + "output");
                if (c.setup().step() == StreamStep.REUSE) {
                    continue;
                }
                if (channels == null) {
                    channels = q + "channels";
                } else {
                    c.h().addNode(Nodes.node("Add", q + "channel_sum", List.of(channels, q + "channels"), List.of(q + "channel_sum")));
                    channels = q + "channel_sum";
                }
            }
            c.h().addNode(Nodes.node("Concat", p + "row" + ty, row, List.of(p + "row" + ty)).addAttribute(Nodes.intAttr("axis", 3)));
            rows.add(p + "row" + ty);
        }
        c.h().addNode(Nodes.node("Concat", p + "tiles", rows, List.of(out)).addAttribute(Nodes.intAttr("axis", 2)));
        if (channels != null) {
            c.h().addNode(Nodes.node("Identity", p + "channel_total", List.of(channels), List.of(channelsOut)));
        }
    }

    /**
     * Adds the HASTE computation of {@code c}'s convolution on its whole input to {@code c.h()},
     * writing {@code out} and the channel count {@code channelsOut}; nodes are named with {@code p}
     * (the layer's, or one patch's). It reads the level from {@code k + "planes"} (native: L, int64
     * scalar) or {@code k + "level_weights"} (portable: the code weights of the level), which the
     * caller provides.
     */
    private static void whole(LayerContext c, String p, String out, String channelsOut) {
        List<String> convInputs = new ArrayList<>(List.of(p + "merged_input", p + "merged_weights"));
        if (c.hasBias()) {
            convInputs.add(c.conv().getInput(2));
        }
        NodeProto reducedConv = c.conv().toBuilder().setName(p + "reduced_conv").clearInput().addAllInput(convInputs)
                .clearOutput().addOutput(out).build();
        if (c.setup().step() == StreamStep.REUSE) {
            StreamReuseWriter.write(c, p, out, reducedConv);
            return;
        }
        String k = c.k();
        constant(c.g(), k + "hyperplanes", () -> Tensors.floats(k + "hyperplanes", c.r(), c.hashed(), c.lmax()));
        boolean nativeKernel = c.setup().kernel() == HasteKernel.NATIVE;
        if (c.setup().step() == StreamStep.REFRESH) {
            c.g().addOutput(Tensors.floatValueInfo(p + "merged_weights"));
            c.g().addOutput(nativeKernel ? Tensors.valueInfo(p + "buckets", TensorProto.DataType.INT32_VALUE, c.info().inChannels())
                    : Tensors.floatValueInfo(p + "input_merge"));
        }
        if (nativeKernel) {
            NativeKernelWriter.write(c, p, out, channelsOut, reducedConv);
        } else {
            PortableKernelWriter.write(c, p, channelsOut, reducedConv);
        }
    }
}
