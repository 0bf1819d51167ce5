package io.hastegw.op.eval;

import io.hastegw.op.analysis.LayerInfo;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Static, data-free baselines that HASTE is compared against at matched channel counts: each
 * listed convolution of the original model keeps only {@code k} of its {@code C} input channels,
 * with no data and no fine-tuning, by
 * <ul>
 *   <li>{@link Method#L1_PRUNE}: the {@code k} input channels whose filter slices have the largest
 *       L1 norm stay, the others are removed (their weights zeroed here; counted as removed);</li>
 *   <li>{@link Method#RANDOM_MERGE}: the {@code C} channels are split at random into {@code k}
 *       groups; each group's inputs are averaged and its filter slices summed (HASTE's merge with
 *       random, fixed buckets). Folded into one weight tensor: every channel of a group gets the
 *       group's summed slice divided by the group size, which computes exactly the merged conv.</li>
 * </ul>
 * MACs count what the static model would execute: the reduced convolution, plus for random
 * merging the input merge (C·P additions and k·P divisions); the filters are merged offline.
 */
public final class Baselines {
    /** A baseline. */
    public enum Method {
        /** Static L1-norm pruning of input channels, no fine-tuning. */
        L1_PRUNE,
        /** Static merging of input channels into random groups. */
        RANDOM_MERGE;

        /** The name used in reports ({@code l1-prune}, {@code random-merge}). */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private Baselines() {}

    /**
     * The original model with every Conv named in {@code kept} (node name → input channels kept)
     * rewritten by {@code method}; {@code seed} draws the random groups.
     */
    public static ModelProto apply(ModelProto original, Map<String, Integer> kept, Method method, long seed) {
        GraphProto graph = original.getGraph();
        GraphProto.Builder g = graph.toBuilder();
        Random random = new Random(seed);
        for (NodeProto node : graph.getNodeList()) {
            Integer k = kept.get(node.getName());
            if (k == null) {
                continue;
            }
            String weightName = node.getInput(1);
            TensorProto w = OnnxModels.initializer(graph, weightName);
            long[] dims = Tensors.dims(w);
            float[] rewritten = method == Method.L1_PRUNE ? pruned(Tensors.toFloats(w), dims, k) : merged(Tensors.toFloats(w), dims, k, random);
            for (int i = 0; i < g.getInitializerCount(); i++) {
                if (g.getInitializer(i).getName().equals(weightName)) {
                    g.setInitializer(i, Tensors.floats(weightName, rewritten, dims));
                }
            }
        }
        return original.toBuilder().setGraph(g).build();
    }

    /** MACs per image of the model {@link #apply} makes: dense layers as they are, rewritten ones as described above. */
    public static long macs(List<LayerInfo> compute, Map<String, Integer> kept, Method method) {
        long total = 0;
        for (LayerInfo layer : compute) {
            Integer k = kept.get(layer.name());
            if (k == null) {
                total += layer.denseMacs();
                continue;
            }
            int c = layer.inChannels();
            total += layer.denseMacs() / c * k;
            if (method == Method.RANDOM_MERGE) {
                long pixels = layer.inputShape()[2] * layer.inputShape()[3];
                total += (c + (long) k) * pixels;
            }
        }
        return total;
    }

    /** Zeroes every input channel but the {@code k} with the largest L1 norm over all filters. */
    static float[] pruned(float[] w, long[] dims, int k) {
        int o = (int) dims[0];
        int c = (int) dims[1];
        int kk = w.length / (o * c);
        double[] norm = new double[c];
        for (int i = 0; i < o; i++) {
            for (int j = 0; j < c; j++) {
                for (int t = 0; t < kk; t++) {
                    norm[j] += Math.abs(w[(i * c + j) * kk + t]);
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < c; j++) {
            order.add(j);
        }
        order.sort((a, b) -> Double.compare(norm[b], norm[a]));
        float[] out = w.clone();
        for (int j : order.subList(Math.min(k, c), c)) {
            for (int i = 0; i < o; i++) {
                for (int t = 0; t < kk; t++) {
                    out[(i * c + j) * kk + t] = 0;
                }
            }
        }
        return out;
    }

    /** Splits the input channels at random into {@code k} non-empty groups and folds the merge into the weights. */
    static float[] merged(float[] w, long[] dims, int k, Random random) {
        int o = (int) dims[0];
        int c = (int) dims[1];
        int kk = w.length / (o * c);
        int groups = Math.max(1, Math.min(k, c));
        List<Integer> channels = new ArrayList<>();
        for (int j = 0; j < c; j++) {
            channels.add(j);
        }
        Collections.shuffle(channels, random);
        int[] group = new int[c];
        for (int n = 0; n < c; n++) {
            group[channels.get(n)] = n < groups ? n : random.nextInt(groups);
        }
        int[] size = new int[groups];
        for (int j = 0; j < c; j++) {
            size[group[j]]++;
        }
        float[] out = new float[w.length];
        for (int i = 0; i < o; i++) {
            for (int t = 0; t < kk; t++) {
                float[] sum = new float[groups];
                for (int j = 0; j < c; j++) {
                    sum[group[j]] += w[(i * c + j) * kk + t];
                }
                for (int j = 0; j < c; j++) {
                    out[(i * c + j) * kk + t] = sum[group[j]] / size[group[j]];
                }
            }
        }
        return out;
    }
}
