package io.hastegw.op.transform;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.SharedData;
import io.hastegw.op.onnx.OnnxModels;
import onnx.Onnx.ModelProto;

/** Test support: a real CIFAR model from ../shared and its HASTE version with default options. */
record TransformedModels(ModelProto original, TransformResult haste) {
    static TransformedModels of(String name) throws Exception {
        return of(name, HasteOptions.defaults());
    }

    static TransformedModels of(String name, HasteOptions options) throws Exception {
        ModelProto original = OnnxModels.read(SharedData.cifarModel(name));
        TransformResult haste = new HasteTransformer(OrtEnvironment.getEnvironment())
                .transform(original, new long[] {1, 3, 32, 32}, options);
        return new TransformedModels(original, haste);
    }

    HasteModelInfo info() {
        return haste.info();
    }
}
