package io.hastegw.op.schedule;

/**
 * What running one layer with HASTE at one L (every other layer dense) did on the calibration
 * frames.
 *
 * @param layer   HASTE layer index
 * @param planes  L
 * @param saving  mean MACs saved against the dense model (overhead counted; negative when it costs more)
 * @param damage  mean damage of the outputs against the dense model's ({@link OutputDamage}: KL divergence in nats for a classifier,
 *                the share of detections lost, moved or added for a detector)
 */
public record LayerProbe(int layer, int planes, double saving, double damage) {
    /** The dense choice of a layer: nothing saved, nothing damaged. */
    static LayerProbe dense(int layer) {
        return new LayerProbe(layer, 0, 0, 0);
    }
}
