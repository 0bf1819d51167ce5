package io.hastegw.daemon;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Test and benchmark support: images that are small on the wire and as large as wanted once decoded. */
public final class TestImages {
    private TestImages() {}

    /** A checkerboard of 64-pixel squares (compresses to little) of {@code w x h}, of BufferedImage {@code type}. */
    public static BufferedImage smooth(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x / 64 + y / 64) % 2 == 0 ? 40 : 200;
                row[x] = v << 16 | (255 - v) << 8 | v;
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
        return image;
    }

    /** {@code image} as a raw (HRAW) frame: the 12-byte header (docs/mqtt-api.md), then the pixels. */
    public static byte[] raw(io.hastegw.plugin.api.Image image) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(io.hastegw.plugin.api.FrameHeaders.RAW_HEADER_BYTES + image.pixels().length);
        buf.put(new byte[] {'H', 'R', 'A', 'W', 1, (byte) image.channels(), 0, 0});
        buf.putShort((short) image.width()).putShort((short) image.height());
        buf.put(image.pixels());
        return buf.array();
    }

    /** {@code image} as PNG. */
    public static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** {@code image} as baseline or progressive JPEG. */
    public static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
