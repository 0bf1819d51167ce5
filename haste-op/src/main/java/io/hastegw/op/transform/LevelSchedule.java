package io.hastegw.op.transform;

import java.util.Arrays;
import java.util.List;

/**
 * Which compression levels a HASTE model offers: for each level and each HASTE layer, the number
 * of hyperplanes L used to hash that layer's input channels. L = 0 means the layer runs dense at
 * that level (no hashing, no merging). Level 0 is always dense everywhere; higher levels use fewer
 * hyperplanes, so coarser codes, more merging, fewer MACs.
 *
 * @param hyperplanes {@code hyperplanes[level][layer]}
 */
public record LevelSchedule(int[][] hyperplanes) {
    /** Codes are summed as floats in the graph, exact below 2^24: at most 24 hyperplanes. */
    public static final int MAX_HYPERPLANES = 24;

    /**
     * The default: level 0 dense, then levels 1 to 8 with the same L for every layer:
     * 16, 14, 13, 12, 11, 10, 9, 8. Chosen from the accuracy/MACs sweep on CIFAR-10 ResNet-20/56
     * recorded in haste-op/README.md.
     */
    public static final List<Integer> DEFAULT_LEVELS = List.of(16, 14, 13, 12, 11, 10, 9, 8);

    /** Checks the matrix: at least one level, level 0 all zeros, every L in 0..24, rows of one length. */
    public LevelSchedule {
        if (hyperplanes.length == 0) {
            throw new IllegalArgumentException("schedule: no levels");
        }
        int layers = hyperplanes[0].length;
        for (int level = 0; level < hyperplanes.length; level++) {
            if (hyperplanes[level].length != layers) {
                throw new IllegalArgumentException("schedule: level " + level + " has " + hyperplanes[level].length
                        + " entries, level 0 has " + layers);
            }
            for (int l : hyperplanes[level]) {
                if (l < 0 || l > MAX_HYPERPLANES) {
                    throw new IllegalArgumentException("schedule: level " + level + " asks for " + l
                            + " hyperplanes; allowed: 0 (dense) to " + MAX_HYPERPLANES);
                }
                if (level == 0 && l != 0) {
                    throw new IllegalArgumentException("schedule: level 0 must be dense (all 0), found " + l);
                }
            }
        }
        hyperplanes = Arrays.stream(hyperplanes).map(int[]::clone).toArray(int[][]::new);
    }

    /** Level 0 dense, then one level per entry of {@code perLevel}, each with that L for all {@code layers} layers. */
    public static LevelSchedule uniform(List<Integer> perLevel, int layers) {
        int[][] h = new int[perLevel.size() + 1][layers];
        for (int level = 1; level <= perLevel.size(); level++) {
            Arrays.fill(h[level], perLevel.get(level - 1));
        }
        return new LevelSchedule(h);
    }

    /** Number of levels, including level 0. */
    public int levels() {
        return hyperplanes.length;
    }

    /** Number of HASTE layers the schedule covers. */
    public int layers() {
        return hyperplanes[0].length;
    }

    /** L for {@code layer} at {@code level}. */
    public int hyperplanes(int level, int layer) {
        return hyperplanes[level][layer];
    }

    /** The largest L any level asks of {@code layer}: how many hyperplanes the model stores for it. */
    public int maxHyperplanes(int layer) {
        int max = 0;
        for (int[] row : hyperplanes) {
            max = Math.max(max, row[layer]);
        }
        return max;
    }

    /** Checks {@code level} against this schedule; the message lists the allowed range. */
    public void checkLevel(long level) {
        if (level < 0 || level >= levels()) {
            throw new IllegalArgumentException("compression level " + level + " is out of range; allowed: 0 (dense) to "
                    + (levels() - 1));
        }
    }
}
