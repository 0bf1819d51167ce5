package io.hastegw.op.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.SharedData;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.onnx.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalInputsTest {
    @TempDir
    Path tmp;

    @Test
    void imagesAreInterleavedAcrossClasses() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        List<LabelledImage> images = ImageFolder.interleaved(SharedData.cifarTest(), card.labels(), 12);
        for (int i = 0; i < 10; i++) {
            assertEquals(i, images.get(i).label());
            assertEquals(SharedData.cifarTest().resolve(card.labels().get(i)).resolve("0000.jpg"), images.get(i).file());
        }
        assertEquals(SharedData.cifarTest().resolve("airplane/0001.jpg"), images.get(10).file());
    }

    @Test
    void aSeededSubsetIsStratifiedRandomAndTheSameForTheSameSeed() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        List<LabelledImage> first = ImageFolder.stratified(SharedData.cifarTest(), card.labels(), 40, 7L);
        assertEquals(first, ImageFolder.stratified(SharedData.cifarTest(), card.labels(), 40, 7L));
        assertNotEquals(first, ImageFolder.stratified(SharedData.cifarTest(), card.labels(), 40, 8L));
        assertNotEquals(ImageFolder.interleaved(SharedData.cifarTest(), card.labels(), 40), first);
        for (int c = 0; c < 10; c++) {
            int label = c;
            assertEquals(4, first.stream().filter(i -> i.label() == label).count(), "4 images of class " + c);
            assertTrue(first.stream().filter(i -> i.label() == label).allMatch(i -> i.file().getParent().getFileName().toString()
                    .equals(card.labels().get(label))));
        }
    }

    @Test
    void aMissingClassFolderIsNamed() throws Exception {
        var e = assertThrows(IOException.class, () -> ImageFolder.interleaved(tmp, List.of("cat"), 1));
        assertEquals(tmp + ": no folder for class 'cat' (nor '0', its index)", e.getMessage());
    }

    @Test
    void classesWhoseLabelsCannotBeFolderNamesAreFoundByIndex() throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("0")).resolve("a.png"), "x");
        Files.writeString(Files.createDirectories(tmp.resolve("Trouser")).resolve("b.png"), "x");
        List<LabelledImage> images = ImageFolder.interleaved(tmp, List.of("T-shirt/top", "Trouser"), 2);
        assertEquals(List.of(new LabelledImage(tmp.resolve("0/a.png"), 0), new LabelledImage(tmp.resolve("Trouser/b.png"), 1)), images);
    }

    @Test
    void pixelsAreNormalisedAsTheCardSays() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        Path file = SharedData.cifarTest().resolve("cat/0000.jpg");
        FloatTensor t = new Preprocessor(card).load(file);
        assertArrayEquals(new long[] {1, 3, 32, 32}, t.shape());
        BufferedImage image = ImageIO.read(file.toFile());
        int rgb = image.getRGB(5, 7);
        assertEquals((((rgb >> 16) & 0xff) / 255.0 - 0.485) / 0.229, t.data()[7 * 32 + 5], 1e-5);
        assertEquals(((rgb & 0xff) / 255.0 - 0.406) / 0.225, t.data()[2 * 1024 + 7 * 32 + 5], 1e-5);
    }

    @Test
    void aFileThatIsNoImageIsNamed() throws Exception {
        Path file = tmp.resolve("x.jpg");
        Files.writeString(file, "no image");
        var e = assertThrows(IOException.class, () -> new Preprocessor(SharedData.cifarCard("resnet20")).load(file));
        assertEquals(file + ": not a readable image", e.getMessage());
    }
}
