package io.hastegw.op.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** Conversions between ONNX {@code TensorProto}s and Java arrays. */
public final class Tensors {
    private Tensors() {}

    /** A float initializer with the given shape; data is stored as little-endian raw bytes. */
    public static TensorProto floats(String name, float[] data, long... dims) {
        checkSize(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return raw(name, TensorProto.DataType.FLOAT_VALUE, buf.array(), dims);
    }

    /** An int64 initializer with the given shape (no dims: a scalar). */
    public static TensorProto longs(String name, long[] data, long... dims) {
        checkSize(name, data.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return raw(name, TensorProto.DataType.INT64_VALUE, buf.array(), dims);
    }

    /** A bool initializer with the given shape (one byte per value). */
    public static TensorProto bools(String name, boolean[] data, long... dims) {
        checkSize(name, data.length, dims);
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            bytes[i] = (byte) (data[i] ? 1 : 0);
        }
        return raw(name, TensorProto.DataType.BOOL_VALUE, bytes, dims);
    }

    private static TensorProto raw(String name, int dataType, byte[] littleEndian, long[] dims) {
        return TensorProto.newBuilder().setName(name).setDataType(dataType)
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(littleEndian)).build();
    }

    /** The values of a float tensor, whether stored as raw bytes or as {@code float_data}. */
    public static float[] toFloats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is not float (data type " + t.getDataType() + ")");
        }
        if (!t.getRawData().isEmpty()) {
            float[] out = new float[t.getRawData().size() / Float.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    /** The dims of {@code t} as a {@code long[]}. */
    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A value-info for a float tensor of unknown shape (enough for extra graph outputs). */
    public static ValueInfoProto floatValueInfo(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
    }

    /** A value-info for a tensor of {@code elemType} with fixed {@code dims} (none: a scalar). */
    public static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    private static void checkSize(String name, int length, long[] dims) {
        long n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        if (n != length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + length + " values for shape " + Arrays.toString(dims));
        }
    }
}
