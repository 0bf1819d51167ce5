package io.hastegw.plugin.api;

/**
 * Estimates the energy of one inference from what it did: the MACs it executed and how long it
 * kept how many cores busy. The gateway asks it twice per frame: for the inference as it ran,
 * and for the same frame dense (the dense MACs, and the time the device's measured costs say
 * level 0 takes), so every prediction says what compression saved.
 */
public interface EnergyModel {
    /** How estimates are made, in a few words operators read in every prediction (model and device profile). */
    String method();

    /**
     * Millijoules of one inference.
     *
     * @param macs         MACs executed (HASTE's hashing and merging included)
     * @param activeMillis wall-clock time of the model run
     * @param threads      cores the run kept busy (ONNX Runtime's intra-op threads)
     */
    double millijoules(long macs, double activeMillis, int threads);
}
