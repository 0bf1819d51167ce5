package io.hastegw.plugin.api;

/** Stage 2: turns a decoded image into the model's input tensor (resize, colour, normalisation, layout). */
public interface ImagePreprocessor {
    /**
     * Converts {@code image}.
     *
     * @throws FrameRejectedException with {@link RejectReason#WRONG_IMAGE_SHAPE} when the image cannot be used
     */
    InputTensor apply(Image image) throws FrameRejectedException;
}
