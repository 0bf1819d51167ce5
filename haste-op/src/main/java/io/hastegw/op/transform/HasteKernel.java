package io.hastegw.op.transform;

/**
 * How a HASTE layer's hash-and-merge is expressed in the graph. Both give the same outputs (to
 * rounding); the native one is one node and much cheaper.
 */
public enum HasteKernel {
    /** About twenty standard ONNX operators per layer: runs on any ONNX Runtime. */
    PORTABLE,
    /** One {@code HasteMerge} node of the native custom-operator library (see {@code NativeKernel}). */
    NATIVE
}
