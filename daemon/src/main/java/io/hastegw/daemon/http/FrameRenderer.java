package io.hastegw.daemon.http;

import io.hastegw.daemon.pipeline.CardPreprocessor;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws a frame as the gateway saw it: decoded again through the gateway's decoders, a
 * detector's boxes (in frame pixels, scaled to the decoded image) with label and score, or a
 * classifier's top label as a caption; at most {@value #MAX_SIDE} pixels a side; JPEG.
 */
public final class FrameRenderer {
    /** The longest side of a drawn frame. */
    public static final int MAX_SIDE = 1280;
    private static final Color[] COLOURS = {new Color(0xe6194b), new Color(0x3cb44b), new Color(0xffe119), new Color(0x4363d8),
        new Color(0xf58231), new Color(0x911eb4), new Color(0x46f0f0), new Color(0xf032e6), new Color(0xbcf60c), new Color(0xfabebe)};

    /** Decodes a kept frame as the pipeline did. */
    @FunctionalInterface
    public interface Decoder {
        /** The frame's image. */
        Image decode(Frame frame) throws Exception;
    }

    /** A kept frame that cannot be drawn. */
    public static final class RenderException extends Exception {
        private static final long serialVersionUID = 1L;

        RenderException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Decoder decoder;

    /** Draws frames decoded by {@code decoder}. */
    public FrameRenderer(Decoder decoder) {
        this.decoder = decoder;
    }

    /** {@code frame} drawn with {@code prediction}, as JPEG. */
    public byte[] render(Frame frame, Prediction prediction) throws RenderException {
        Image image;
        try {
            image = decoder.decode(frame);
        } catch (Exception e) {
            throw new RenderException("the latest frame of camera '" + frame.cameraId() + "' cannot be decoded again: " + e.getMessage(), e);
        }
        double fit = Math.min(1, (double) MAX_SIDE / Math.max(image.width(), image.height()));
        int w = Math.max(1, (int) Math.round(image.width() * fit));
        int h = Math.max(1, (int) Math.round(image.height() * fit));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.drawImage(CardPreprocessor.toBufferedImage(image), 0, 0, w, h, null);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, Math.min(w, h) / 24)));
        if (prediction.detections() != null) {
            double sx = (double) w / prediction.detections().frameWidth();
            double sy = (double) h / prediction.detections().frameHeight();
            g.setStroke(new BasicStroke(Math.max(1.5f, Math.min(w, h) / 200f)));
            for (Detection d : prediction.detections().objects()) {
                Color c = COLOURS[Math.floorMod(d.index(), COLOURS.length)];
                int x0 = (int) Math.round(d.x0() * sx);
                int y0 = (int) Math.round(d.y0() * sy);
                g.setColor(c);
                g.drawRect(x0, y0, (int) Math.round((d.x1() - d.x0()) * sx), (int) Math.round((d.y1() - d.y0()) * sy));
                label(g, String.format(Locale.ROOT, "%s %.0f%%", d.label(), 100 * d.score()), x0, y0, c);
            }
        } else if (!prediction.top().isEmpty()) {
            ScoredLabel top = prediction.top().get(0);
            label(g, String.format(Locale.ROOT, "%s %.0f%%", top.label(), 100 * top.score()), 0, g.getFontMetrics().getHeight() + 2,
                    COLOURS[Math.floorMod(top.index(), COLOURS.length)]);
        }
        g.dispose();
        return jpeg(out);
    }

    /** {@code text} on a filled tag whose bottom-left corner is (x, y), inside the image. */
    private static void label(Graphics2D g, String text, int x, int y, Color c) {
        FontMetrics m = g.getFontMetrics();
        int tw = m.stringWidth(text) + 4;
        int th = m.getHeight();
        int tx = Math.max(0, x);
        int ty = Math.max(th, y);
        g.setColor(c);
        g.fillRect(tx, ty - th, tw, th);
        g.setColor(c.getRed() * 299 + c.getGreen() * 587 + c.getBlue() * 114 > 128_000 ? Color.BLACK : Color.WHITE);
        g.drawString(text, tx + 2, ty - m.getDescent());
    }

    private static byte[] jpeg(BufferedImage image) throws RenderException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new RenderException("cannot encode the drawn frame: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
