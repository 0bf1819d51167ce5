package io.hastegw.op.transform;

import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.onnx.Nodes;
import java.util.Optional;
import onnx.Onnx.NodeProto;

/**
 * The patch-wise split of one convolution (HASTE.md, the journal variant): its output map cut into
 * tiles of {@code tile x tile} pixels, each computed from its own input window, which overlaps its
 * neighbours by the kernel's halo: the input padded once with the convolution's pads, window
 * (ty, tx) starting at row {@code ty * tile * strideH} and column {@code tx * tile * strideW}, of
 * {@code (tile - 1) * stride + (k - 1) * dilation + 1} rows and columns. Convolving a window
 * without padding gives exactly its tile of the dense output, for any stride and dilation.
 *
 * @param tile    tile side in output pixels
 * @param rows    tiles down
 * @param cols    tiles across
 * @param windowH input window rows
 * @param windowW input window columns
 * @param strideH convolution stride, rows
 * @param strideW convolution stride, columns
 * @param pads    the convolution's pads, ONNX order {@code [top, left, bottom, right]}
 */
record Tiling(int tile, int rows, int cols, int windowH, int windowW, int strideH, int strideW, long[] pads) {

    /**
     * The tiling of {@code conv} with tiles of {@code tile} output pixels, or empty when it does not
     * apply: no patch size (0), an output side that {@code tile} does not divide, a single tile, or
     * implicit padding ({@code auto_pad}).
     */
    static Optional<Tiling> of(NodeProto conv, LayerInfo info, int tile) {
        if (tile <= 0 || !Nodes.stringValue(conv, "auto_pad", "NOTSET").equals("NOTSET")) {
            return Optional.empty();
        }
        long[] out = info.outputShape();
        if (out[2] % tile != 0 || out[3] % tile != 0 || out[2] * out[3] == (long) tile * tile) {
            return Optional.empty();
        }
        long[] strides = Nodes.ints(conv, "strides", new long[] {1, 1});
        long[] dilations = Nodes.ints(conv, "dilations", new long[] {1, 1});
        long[] w = info.weightShape();
        int windowH = Math.toIntExact((tile - 1) * strides[0] + (w[2] - 1) * dilations[0] + 1);
        int windowW = Math.toIntExact((tile - 1) * strides[1] + (w[3] - 1) * dilations[1] + 1);
        return Optional.of(new Tiling(tile, Math.toIntExact(out[2] / tile), Math.toIntExact(out[3] / tile), windowH, windowW,
                Math.toIntExact(strides[0]), Math.toIntExact(strides[1]), Nodes.ints(conv, "pads", new long[] {0, 0, 0, 0})));
    }

    /** Whether the input must be padded before it is cut into windows. */
    boolean padded() {
        for (long p : pads) {
            if (p != 0) {
                return true;
            }
        }
        return false;
    }

    /** The pads in the order of ONNX's Pad for a 4-D tensor: begins of N, C, H, W, then their ends. */
    long[] onnxPads() {
        return new long[] {0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]};
    }

    /** Where window (ty, tx) starts in the padded input: {@code [row, column]}. */
    long[] start(int ty, int tx) {
        return new long[] {(long) ty * tile * strideH, (long) tx * tile * strideW};
    }

    /** The convolution of one window: the layer's channels and filters, the window's input, a tile of output. */
    LayerInfo tileInfo(LayerInfo layer) {
        return new LayerInfo(layer.name(), layer.opType(), new long[] {1, layer.inChannels(), windowH, windowW}, layer.weightShape(),
                new long[] {1, layer.outChannels(), tile, tile}, layer.group());
    }
}
