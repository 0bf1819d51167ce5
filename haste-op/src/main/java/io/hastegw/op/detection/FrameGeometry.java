package io.hastegw.op.detection;

import io.hastegw.op.card.ModelCard;

/**
 * Where a frame lies in the model's input after it was fitted ({@link ModelCard.Resize}): the
 * frame's content rectangle in the input, and the mapping of input pixels back to frame pixels.
 * A letterboxed frame is scaled by one factor to fit and centred (padding split evenly, the odd
 * pixel at the right or bottom); a stretched frame fills the input. The content rectangle is in
 * whole pixels (at least one), and the mapping uses exactly that rectangle, so boxes map back to
 * where the frame's pixels were drawn.
 *
 * @param frameWidth  the frame's width in its own pixels
 * @param frameHeight the frame's height
 * @param inputWidth  the model input's width
 * @param inputHeight the model input's height
 * @param left        the content's first column in the input
 * @param top         the content's first row
 * @param width       the content's width in input pixels
 * @param height      the content's height
 */
public record FrameGeometry(int frameWidth, int frameHeight, int inputWidth, int inputHeight, int left, int top, int width, int height) {

    /** How a {@code frameWidth x frameHeight} image is fitted into {@code inputWidth x inputHeight} by {@code resize}. */
    public static FrameGeometry of(int frameWidth, int frameHeight, int inputWidth, int inputHeight, ModelCard.Resize resize) {
        if (frameWidth < 1 || frameHeight < 1 || inputWidth < 1 || inputHeight < 1) {
            throw new IllegalArgumentException("sizes must be positive: frame " + frameWidth + "x" + frameHeight + ", input "
                    + inputWidth + "x" + inputHeight);
        }
        if (resize == ModelCard.Resize.STRETCH) {
            return new FrameGeometry(frameWidth, frameHeight, inputWidth, inputHeight, 0, 0, inputWidth, inputHeight);
        }
        double scale = Math.min((double) inputWidth / frameWidth, (double) inputHeight / frameHeight);
        int w = (int) Math.max(1, Math.min(inputWidth, Math.round(frameWidth * scale)));
        int h = (int) Math.max(1, Math.min(inputHeight, Math.round(frameHeight * scale)));
        return new FrameGeometry(frameWidth, frameHeight, inputWidth, inputHeight, (inputWidth - w) / 2, (inputHeight - h) / 2, w, h);
    }

    /**
     * The same content rectangle for a frame of {@code width x height} of which this geometry's
     * frame is a scaled copy (an image decoded subsampled): boxes then map to the original's pixels.
     */
    public FrameGeometry forFrame(int originalWidth, int originalHeight) {
        return new FrameGeometry(originalWidth, originalHeight, inputWidth, inputHeight, left, top, width, height);
    }

    /** Whether the frame is the input as it is (same size, nothing to resample). */
    public boolean identity() {
        return frameWidth == inputWidth && frameHeight == inputHeight && width == inputWidth && height == inputHeight;
    }

    /**
     * {@code d}'s box (input pixels) in frame pixels, clipped to the frame; empty when nothing of
     * it lies inside the frame (a box in the letterbox padding).
     */
    public java.util.Optional<Detection> toFrame(Detection d) {
        double sx = (double) frameWidth / width;
        double sy = (double) frameHeight / height;
        float x0 = clip((d.x0() - left) * sx, frameWidth);
        float y0 = clip((d.y0() - top) * sy, frameHeight);
        float x1 = clip((d.x1() - left) * sx, frameWidth);
        float y1 = clip((d.y1() - top) * sy, frameHeight);
        return x1 > x0 && y1 > y0 ? java.util.Optional.of(d.withBox(x0, y0, x1, y1)) : java.util.Optional.empty();
    }

    /** {@code d}'s box (frame pixels) in input pixels, not clipped. */
    public Detection toInput(Detection d) {
        double sx = (double) width / frameWidth;
        double sy = (double) height / frameHeight;
        return d.withBox((float) (left + d.x0() * sx), (float) (top + d.y0() * sy), (float) (left + d.x1() * sx), (float) (top + d.y1() * sy));
    }

    private static float clip(double v, int max) {
        return (float) Math.max(0, Math.min(max, v));
    }
}
