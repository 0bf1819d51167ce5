package io.hastegw.op.transform;

import io.hastegw.op.analysis.LayerInfo;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;

/**
 * One HASTE layer (or one patch of it) being written: where its constants go ({@code g}, once,
 * named with the layer prefix {@code k}), where its nodes go ({@code h}), the original graph (for
 * the weights), the convolution and its shapes, the hyperplanes {@code r} ({@code [hashed, lmax]};
 * null on a reuse frame, which hashes nothing), the setup and the opset.
 */
record LayerContext(GraphProto.Builder g, GraphProto.Builder h, GraphProto original, NodeProto conv, LayerInfo info, float[] r, int lmax,
                    LayerSetup setup, long opset, String k) {
    /** The same layer for one patch: its convolution without padding, the patch's shapes, plain NCHW. */
    LayerContext tile(NodeProto tileConv, LayerInfo tileInfo) {
        return new LayerContext(g, h, original, tileConv, tileInfo, r, lmax, setup.withNchwcBlock(0), opset, k);
    }

    /** Pixels the hash reads: the map sampled on the setup's stride. */
    int hashed() {
        return HasteLayer.hashedPixels(info, setup.stride());
    }

    /** Whether the convolution has a bias. */
    boolean hasBias() {
        return conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
    }
}
