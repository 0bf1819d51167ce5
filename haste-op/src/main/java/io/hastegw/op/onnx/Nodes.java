package io.hastegw.op.onnx;

import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;

/** Small builders for ONNX nodes and attributes, so that graph code reads like the graph. */
public final class Nodes {
    private Nodes() {}

    /** A node of {@code opType} named {@code name} reading {@code inputs} and writing {@code outputs}. */
    public static NodeProto.Builder node(String opType, String name, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addAllOutput(outputs);
    }

    /** An integer attribute. */
    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** An integer-list attribute. */
    public static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** A graph attribute (the branches of If). */
    public static AttributeProto graphAttr(String name, onnx.Onnx.GraphProto graph) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(graph).build();
    }

    /** The integer-list attribute {@code name} of {@code node}, or {@code fallback} when absent. */
    public static long[] ints(NodeProto node, String name, long[] fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return fallback;
    }

    /** The integer attribute {@code name} of {@code node}, or {@code fallback} when absent. */
    public static long intValue(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    /** The string attribute {@code name} of {@code node}, or {@code fallback} when absent. */
    public static String stringValue(NodeProto node, String name, String fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getS().toStringUtf8();
            }
        }
        return fallback;
    }
}
