package io.hastegw.op.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hastegw.op.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCardTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheResNet20Card() throws Exception {
        ModelCard card = SharedData.cifarCard("resnet20");
        assertEquals("resnet20-cifar10", card.name());
        assertEquals("input", card.input().name());
        assertArrayEquals(new int[] {3, 32, 32}, card.chw());
        assertEquals("logits", card.output().name());
        assertEquals("airplane", card.labels().get(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"layout\": \"NCHW\"|\"layout\": \"NHWC\"|key 'input.layout' must be NCHW",
        "\"color\": \"RGB\"|\"color\": \"GRAY\"|key 'input.color' must be a colour that matches the 3 input channel(s)",
        "\"name\": \"logits\"|\"nom\": \"logits\"|key 'output.name' must be the graph output's name",
    })
    void aBadKeyIsNamed(String from, String to, String message) throws Exception {
        String json = Files.readString(SharedData.root().resolve("models/cifar10-resnet-akamaster/resnet20.json")).replace(from, to);
        Path file = tmp.resolve("card.json");
        Files.writeString(file, json);
        var e = assertThrows(ModelCard.ModelCardException.class, () -> ModelCard.read(file));
        assertEquals(file + ": " + message, e.getMessage());
    }
}
