package io.hastegw.daemon.pipeline;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.InputTensor;
import java.awt.image.BufferedImage;

/**
 * The built-in preprocessing: exactly what the model card says (resize to the input size,
 * colour, scale, mean/std, NCHW), shared with {@code haste-op eval} so the gateway and the
 * offline evaluation see identical tensors.
 */
public final class CardPreprocessor implements ImagePreprocessor {
    private final Preprocessor preprocessor;

    /** Preprocessing for the model described by {@code card}. */
    public CardPreprocessor(ModelCard card) {
        this.preprocessor = new Preprocessor(card);
    }

    @Override
    public InputTensor apply(Image image) {
        FloatTensor t = preprocessor.toTensor(toBufferedImage(image));
        return new InputTensor(t.data(), t.shape());
    }

    /** {@code image} as a Java 2D image: grey stays one 8-bit channel, else RGB. */
    public static BufferedImage toBufferedImage(Image image) {
        int w = image.width();
        int h = image.height();
        if (image.channels() == 1) {
            BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setDataElements(0, 0, w, h, image.pixels());
            return grey;
        }
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                row[x] = image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2);
            }
            rgb.setRGB(0, y, w, 1, row, 0, w);
        }
        return rgb;
    }
}
