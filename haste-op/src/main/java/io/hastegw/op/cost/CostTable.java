package io.hastegw.op.cost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hastegw.op.transform.HasteModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measured costs of a HASTE model on one device and the decisions drawn from them: which layers
 * run HASTE at each level (a layer is HASTE only where it measured faster than dense by the
 * margin) and which levels run the original model altogether (where the level's whole HASTE
 * model did not measure faster than the dense model). Stored as JSON in the cost cache.
 *
 * @param model           sha-256 of the HASTE model file
 * @param device          where it was measured
 * @param margin          how much faster (fraction) a layer had to be to run HASTE
 * @param layers          HASTE layer names, in the model's order
 * @param denseMicros     median microseconds of each layer's dense convolution
 * @param hasteMicros     level x layer: median microseconds of the layer's HASTE at that level's L (0 where L = 0)
 * @param haste           level x layer: whether the layer runs HASTE at that level
 * @param denseModelMillis median milliseconds of the whole dense model
 * @param levelMillis     median milliseconds of each level's model with the per-layer decisions (dense model where none)
 * @param levelDense      levels that run the original model (no HASTE layer left, or not faster than dense)
 * @param loadPerCore     the machine's load per core when it was measured ({@link SystemLoad}; -1 unknown, 0 in
 *                        tables written before it was recorded)
 */
public record CostTable(String model, Device device, double margin, String[] layers, double[] denseMicros,
                        double[][] hasteMicros, boolean[][] haste, double denseModelMillis, double[] levelMillis,
                        boolean[] levelDense, double loadPerCore) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** L per level and HASTE layer after the decisions: the schedule's L where HASTE runs, 0 elsewhere. */
    public int[][] planes(HasteModelInfo info) {
        int[][] schedule = info.schedule().hyperplanes();
        if (schedule.length != haste.length || schedule[0].length != layers.length) {
            throw new IllegalArgumentException("cost table for " + haste.length + " levels x " + layers.length
                    + " layers does not fit the model's " + schedule.length + " x " + schedule[0].length + " schedule");
        }
        int[][] out = new int[schedule.length][layers.length];
        for (int level = 0; level < schedule.length; level++) {
            for (int i = 0; i < layers.length; i++) {
                out[level][i] = !levelDense[level] && haste[level][i] ? schedule[level][i] : 0;
            }
        }
        return out;
    }

    /** Whether it was measured while the machine was busy (load per core above {@value SystemLoad#BUSY_PER_CORE}). */
    public boolean measuredUnderLoad() {
        return loadPerCore > SystemLoad.BUSY_PER_CORE;
    }

    /** How many layers run HASTE at {@code level}. */
    public int hasteLayers(int level) {
        if (levelDense[level]) {
            return 0;
        }
        int n = 0;
        for (boolean h : haste[level]) {
            n += h ? 1 : 0;
        }
        return n;
    }

    /** Writes the table as JSON. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    /** Reads a table written by {@link #write}. */
    public static CostTable read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), CostTable.class);
    }
}
