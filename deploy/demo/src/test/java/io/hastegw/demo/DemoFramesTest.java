package io.hastegw.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's directory source input, from IDX files laid out as Debian's dataset-fashion-mnist installs them. */
class DemoFramesTest {
    @TempDir
    Path tmp;

    private void idx(Path file, int magic, int[] header, byte[] data) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(magic);
            for (int h : header) {
                out.writeInt(h);
            }
            out.write(data);
        }
    }

    @Test
    void idxImagesBecomePngFilesInTheirClassFolder() throws Exception {
        byte[] pixels = new byte[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        idx(tmp.resolve("t10k-images-idx3-ubyte.gz"), 0x803, new int[] {3, 2, 2}, pixels);
        idx(tmp.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, new int[] {3}, new byte[] {9, 0, 9});
        Path dir = tmp.resolve("frames");
        assertEquals(2, DemoFrames.writeFashionMnist(tmp, dir, 2));
        var first = ImageIO.read(dir.resolve("9/00000.png").toFile());
        assertEquals(2, first.getWidth());
        assertEquals(60, first.getRaster().getSample(1, 1, 0));
        assertEquals(true, Files.exists(dir.resolve("0/00001.png")));
        assertEquals(false, Files.exists(dir.resolve("9/00002.png")), "only the first 2 were asked for");
    }

    @Test
    void aFileOfAnotherKindIsNamed() throws Exception {
        idx(tmp.resolve("t10k-images-idx3-ubyte.gz"), 0x801, new int[] {1}, new byte[1]);
        idx(tmp.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, new int[] {1}, new byte[1]);
        var e = assertThrows(IOException.class, () -> DemoFrames.writeFashionMnist(tmp, tmp.resolve("f"), 1));
        assertEquals(tmp.resolve("t10k-images-idx3-ubyte.gz") + ": not an IDX file of the expected kind (magic 801)", e.getMessage());
    }

    @Test
    void generatedFramesAreUnlabelled28x28Greys() throws Exception {
        assertEquals(5, DemoFrames.writeGenerated(tmp, 5));
        var image = ImageIO.read(tmp.resolve("unlabelled/00004.png").toFile());
        assertEquals(28, image.getWidth());
        assertEquals(1, image.getRaster().getNumBands());
    }
}
