package io.hastegw.op.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Reads and writes ONNX model files and checks that what was read is a complete model in an
 * opset this project understands. Every failure names the file.
 */
public final class OnnxModels {
    /** Lowest default-domain opset accepted (Unsqueeze/Squeeze take axes as inputs from 13 on). */
    public static final int MIN_OPSET = 13;
    /** Highest default-domain opset accepted (the newest one the emitted HASTE nodes are checked against). */
    public static final int MAX_OPSET = 22;

    private OnnxModels() {}

    /** Reads and validates {@code file}; see {@link #validate(Path, ModelProto)}. */
    public static ModelProto read(Path file) throws OnnxModelException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OnnxModelException(file, "model file not found");
        } catch (IOException e) {
            throw new OnnxModelException(file, "cannot read model file: " + e.getMessage(), e);
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxModelException(file, "not an ONNX model, or a truncated one (protobuf: " + e.getMessage() + ")", e);
        }
        validate(file, model);
        return model;
    }

    /** Writes {@code model} to {@code file} (parent folders are created). */
    public static void write(ModelProto model, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, model.toByteArray());
    }

    /** The default-domain ("" or "ai.onnx") opset version of {@code model}, or -1 if it declares none. */
    public static long defaultOpset(ModelProto model) {
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                return id.getVersion();
            }
        }
        return -1;
    }

    /**
     * Checks that {@code model} is a whole ONNX model: an IR version, a graph with inputs, outputs
     * and nodes, a supported default opset, and every node input defined before it is used (which
     * catches files cut at a protobuf field boundary).
     */
    public static void validate(Path file, ModelProto model) throws OnnxModelException {
        if (model.getIrVersion() <= 0 || !model.hasGraph()) {
            throw new OnnxModelException(file, "not an ONNX model (no IR version or no graph)");
        }
        long opset = defaultOpset(model);
        if (opset < 0) {
            throw new OnnxModelException(file, "not an ONNX model (no opset import for the default domain)");
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxModelException(file, "unsupported opset " + opset + " for domain ai.onnx (supported: "
                    + MIN_OPSET + " to " + MAX_OPSET + "; convert the model with onnx.version_converter)");
        }
        GraphProto graph = model.getGraph();
        if (graph.getNodeCount() == 0 || graph.getInputCount() == 0 || graph.getOutputCount() == 0) {
            throw new OnnxModelException(file, "incomplete ONNX model (graph without nodes, inputs or outputs; truncated file?)");
        }
        Set<String> defined = new HashSet<>();
        defined.add("");
        graph.getInputList().forEach(v -> defined.add(v.getName()));
        graph.getInitializerList().forEach(t -> defined.add(t.getName()));
        for (NodeProto node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                if (!defined.contains(input)) {
                    throw new OnnxModelException(file, "incomplete ONNX model: node '" + node.getName() + "' ("
                            + node.getOpType() + ") reads '" + input + "', which nothing defines (truncated file?)");
                }
            }
            defined.addAll(node.getOutputList());
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            if (!defined.contains(output.getName())) {
                throw new OnnxModelException(file, "incomplete ONNX model: graph output '" + output.getName() + "' is never computed");
            }
        }
    }

    /** A copy of {@code model} whose graph additionally outputs the named float tensors. */
    public static ModelProto withExtraOutputs(ModelProto model, Iterable<String> names) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> present = new HashSet<>();
        graph.getOutputList().forEach(v -> present.add(v.getName()));
        for (String name : names) {
            if (present.add(name)) {
                graph.addOutput(Tensors.floatValueInfo(name));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    /**
     * The part of {@code model} that computes {@code output} from {@code input} (given its shape),
     * as a model of its own: the nodes and initializers on the way, nothing else. Used to time
     * one layer on its own.
     */
    public static ModelProto subgraph(ModelProto model, String input, long[] inputShape, String output) {
        return subgraph(model, input, inputShape, List.of(output));
    }

    /**
     * {@link #subgraph(ModelProto, String, long[], String)} with several outputs (typed as the
     * model declares them, else float); the model's other graph inputs that the part reads (a
     * stream-reuse model's kept state) stay inputs.
     */
    public static ModelProto subgraph(ModelProto model, String input, long[] inputShape, List<String> outputs) {
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, ValueInfoProto> declared = new HashMap<>();
        graph.getOutputList().forEach(v -> declared.put(v.getName(), v));
        Set<String> needed = new HashSet<>(outputs);
        List<NodeProto> kept = new ArrayList<>();
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(needed::contains)) {
                kept.add(0, n);
                n.getInputList().stream().filter(in -> !in.isEmpty() && !in.equals(input)).forEach(needed::add);
            }
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(graph.getName() + "/" + outputs.get(0))
                .addInput(Tensors.valueInfo(input, TensorProto.DataType.FLOAT_VALUE, inputShape))
                .addAllNode(kept);
        graph.getInputList().stream().filter(v -> !v.getName().equals(input) && needed.contains(v.getName())).forEach(g::addInput);
        outputs.forEach(o -> g.addOutput(declared.getOrDefault(o, Tensors.floatValueInfo(o))));
        needed.stream().filter(initializers::containsKey).sorted().forEach(n -> g.addInitializer(initializers.get(n)));
        return model.toBuilder().setGraph(g).clearMetadataProps().build();
    }

    /** The initializer called {@code name}, or an exception naming it. */
    public static TensorProto initializer(GraphProto graph, String name) {
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no initializer named '" + name + "'");
    }

    /** Whether {@code name} is an initializer of {@code graph}. */
    public static boolean isInitializer(GraphProto graph, String name) {
        return graph.getInitializerList().stream().anyMatch(t -> t.getName().equals(name));
    }
}
