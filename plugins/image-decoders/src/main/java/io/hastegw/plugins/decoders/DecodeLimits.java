package io.hastegw.plugins.decoders;

/**
 * What decoding one frame may cost: the largest image accepted at all, the size the model needs
 * (larger images are decoded subsampled, the same step on both axes, to between two and four
 * times it along the axis that limits a letterbox), and the working
 * memory one decode may take, so that no image, however it is crafted, can exhaust the heap.
 *
 * @param maxPixels    largest width x height accepted (from the image header)
 * @param targetWidth  the model's input width
 * @param targetHeight the model's input height
 * @param memoryBytes  working memory one frame's decoding may take
 */
record DecodeLimits(long maxPixels, int targetWidth, int targetHeight, long memoryBytes) {
    /** Bytes per decoded pixel held at once: the decoder's raster (4), the copy handed on (3), the preprocessor's image (4), slack. */
    static final int BYTES_PER_OUTPUT_PIXEL = 16;

    /** Checks the values. */
    public DecodeLimits {
        if (maxPixels < 1 || targetWidth < 1 || targetHeight < 1 || memoryBytes < 1) {
            throw new IllegalArgumentException("decode limits must be positive");
        }
    }

    /** The source subsampling along one axis: 1 up to twice the target, then whatever keeps at least twice the target. */
    static int subsampling(int source, int target) {
        return Math.max(1, source / (2 * target));
    }

    /** Pixels along one axis after subsampling {@code source} by {@code step}. */
    static int subsampled(int source, int step) {
        return (source + step - 1) / step;
    }
}
