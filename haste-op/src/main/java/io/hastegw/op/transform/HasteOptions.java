package io.hastegw.op.transform;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How to transform a model.
 *
 * @param seed          seed for the hyperplanes (same seed, same model bytes)
 * @param sparsity      probability of a zero hyperplane entry (2/3: Achlioptas, the CIFAR-10 setting of the paper)
 * @param skipFirstConv leave the model's first Conv dense (it sees the 1-3 image channels)
 * @param include       if non-empty, only these Conv nodes are candidates (overrides skipFirstConv for them)
 * @param exclude       Conv nodes never replaced
 * @param levels        uniform schedule: L for levels 1..N (level 0 is dense); used when {@code schedule} is empty
 * @param schedule      an explicit per-layer schedule, rows = levels, columns = eligible convs in graph order
 * @param denseBypass   wrap the model in {@code If(level == 0)} whose then-branch is the untouched original graph,
 *                      so level 0 runs at the dense model's speed (off: only the per-layer Ifs, every layer's
 *                      tensors visible at top level, which the layer-by-layer tests need)
 * @param kernel        how the hash-and-merge of every layer is written: standard operators or the native operator
 * @param hashStride    hash every layer on the pixels of a grid of this stride; 0 = {@link #autoStride}
 * @param merge         how a bucket's channels are merged
 * @param patches       patch-wise HASTE: tiles of this many output pixels a side on every layer whose output map it
 *                      divides into more than one tile ({@link Tiling}); 0: whole maps. One size for every HASTE layer, or
 *                      one per HASTE layer in graph order (empty: whole maps everywhere)
 */
public record HasteOptions(long seed, double sparsity, boolean skipFirstConv, Set<String> include, Set<String> exclude,
                           List<Integer> levels, Optional<LevelSchedule> schedule, boolean denseBypass, HasteKernel kernel,
                           int hashStride, MergeMode merge, List<Integer> patches) {
    /** Default seed (any value works; stored in the model). */
    public static final long DEFAULT_SEED = 20230929L;
    /** Default sparsity: 2/3, the Achlioptas distribution the paper uses on CIFAR-10. */
    public static final double DEFAULT_SPARSITY = 2.0 / 3.0;

    /** Default merge: scale-aware (haste-op/README.md, "Measured", for the curves that chose it). */
    public static final MergeMode DEFAULT_MERGE = MergeMode.SCALE;
    /** Smallest input side hashed on a strided grid by default ({@link #autoStride}). */
    public static final int AUTO_STRIDE_MIN_SIDE = 16;

    /** Checks the stride (0, automatic, to 16) and the patch sizes (0, whole maps, or more). */
    public HasteOptions {
        if (hashStride < 0 || hashStride > 16) {
            throw new IllegalArgumentException("hash stride " + hashStride + " is outside 0 (automatic) to 16");
        }
        for (int patch : patches) {
            if (patch < 0) {
                throw new IllegalArgumentException("patch size " + patch + " is negative; 0 means whole maps");
            }
        }
        patches = List.copyOf(patches);
    }

    /**
     * The patch size of HASTE layer {@code layer} of {@code layers}: the one size, or that layer's.
     *
     * @throws IllegalArgumentException when the sizes are neither one nor one per layer
     */
    public int patchFor(int layer, int layers) {
        if (patches.size() > 1 && patches.size() != layers) {
            throw new IllegalArgumentException(patches.size() + " patch sizes for " + layers + " HASTE layers: give one for all, or one per layer");
        }
        return patches.isEmpty() ? 0 : patches.size() == 1 ? patches.get(0) : patches.get(layer);
    }

    /**
     * The documented defaults: seed {@value #DEFAULT_SEED}, s = 2/3, first conv skipped,
     * {@link LevelSchedule#DEFAULT_LEVELS}, dense bypass, portable kernel (the file runs anywhere;
     * the gateway picks the native kernel at run time when it loads), automatic hash stride,
     * {@link #DEFAULT_MERGE}.
     */
    public static HasteOptions defaults() {
        return new HasteOptions(DEFAULT_SEED, DEFAULT_SPARSITY, true, Set.of(), Set.of(), LevelSchedule.DEFAULT_LEVELS, Optional.empty(), true,
                HasteKernel.PORTABLE, 0, DEFAULT_MERGE, List.of());
    }

    /**
     * The automatic hash stride of a layer whose input map is {@code height x width}: 2 when both
     * sides are at least {@value #AUTO_STRIDE_MIN_SIDE} (hashing then costs a quarter and the
     * codes barely change: neighbouring pixels are alike), else 1 (small maps have few pixels to spare).
     */
    public static int autoStride(long height, long width) {
        return Math.min(height, width) >= AUTO_STRIDE_MIN_SIDE ? 2 : 1;
    }

    /** The stride a layer with a {@code height x width} input is hashed with under these options. */
    public int strideFor(long height, long width) {
        return hashStride > 0 ? hashStride : autoStride(height, width);
    }

    /** A copy with another uniform level list. */
    public HasteOptions withLevels(List<Integer> perLevel) {
        return new HasteOptions(seed, sparsity, skipFirstConv, include, exclude, List.copyOf(perLevel), Optional.empty(), denseBypass, kernel,
                hashStride, merge, patches);
    }

    /** A copy with another seed. */
    public HasteOptions withSeed(long newSeed) {
        return new HasteOptions(newSeed, sparsity, skipFirstConv, include, exclude, levels, schedule, denseBypass, kernel, hashStride, merge, patches);
    }

    /** A copy with or without the level-0 bypass. */
    public HasteOptions withDenseBypass(boolean bypass) {
        return new HasteOptions(seed, sparsity, skipFirstConv, include, exclude, levels, schedule, bypass, kernel, hashStride, merge, patches);
    }

    /** A copy that writes the hash-and-merge with {@code k}. */
    public HasteOptions withKernel(HasteKernel k) {
        return new HasteOptions(seed, sparsity, skipFirstConv, include, exclude, levels, schedule, denseBypass, k, hashStride, merge, patches);
    }

    /** A copy computing layers in patches of {@code size} output pixels a side (0: whole maps). */
    public HasteOptions withPatch(int size) {
        return withPatches(List.of(size));
    }

    /** A copy computing HASTE layer i in patches of {@code sizes[i]} output pixels a side (0: whole maps). */
    public HasteOptions withPatches(List<Integer> sizes) {
        return new HasteOptions(seed, sparsity, skipFirstConv, include, exclude, levels, schedule, denseBypass, kernel, hashStride, merge, sizes);
    }

    /** A copy with the explicit per-layer {@code rows}. */
    public HasteOptions withSchedule(LevelSchedule rows) {
        return new HasteOptions(seed, sparsity, skipFirstConv, include, exclude, levels, Optional.of(rows), denseBypass, kernel, hashStride, merge, patches);
    }

    /** A copy that hashes with {@code stride} (0: automatic) and merges with {@code mode}. */
    public HasteOptions withHashing(int stride, MergeMode mode) {
        return new HasteOptions(seed, sparsity, skipFirstConv, include, exclude, levels, schedule, denseBypass, kernel, stride, mode, patches);
    }
}
