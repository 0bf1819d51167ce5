package io.hastegw.op.eval;

import java.nio.file.Path;

/**
 * An image file and its class index.
 *
 * @param file  the image
 * @param label index into the model card's labels
 */
public record LabelledImage(Path file, int label) {}
