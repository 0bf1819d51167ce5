package io.hastegw.op.analysis;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.OrtModels;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;

/** Resolves the concrete batch-1 shape of a model's image input from the graph and its card. */
public final class InputShape {
    private InputShape() {}

    /**
     * The image input's shape with batch 1: fixed sizes from the graph, symbolic ones from the
     * card (which may be null). Fails, naming the axis, when neither knows a size.
     */
    public static long[] batchOne(ModelProto model, ModelCard card) {
        String name = OrtModels.realInputs(model).get(0);
        ValueInfoProto input = model.getGraph().getInputList().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (i == 0) {
                shape[i] = 1;
            } else if (dims.get(i).getDimValue() > 0) {
                shape[i] = dims.get(i).getDimValue();
            } else if (card != null && card.input().shape().size() == shape.length && card.input().shape().get(i) != null) {
                shape[i] = card.input().shape().get(i);
            } else {
                throw new IllegalArgumentException("input '" + name + "' has no fixed size at axis " + i
                        + " and no model card gives one; pass --card with input.shape");
            }
        }
        return shape;
    }
}
