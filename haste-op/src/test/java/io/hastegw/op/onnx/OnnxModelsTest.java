package io.hastegw.op.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxModelsTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheRealResNet20() throws Exception {
        ModelProto model = OnnxModels.read(SharedData.cifarModel("resnet20"));
        assertEquals(17, OnnxModels.defaultOpset(model));
        assertEquals(19, model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).count());
    }

    @Test
    void aJpegIsNotAnOnnxModel() throws Exception {
        Path file = tmp.resolve("photo.onnx");
        Files.copy(SharedData.cifarTest().resolve("cat/0000.jpg"), file);
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxModels.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not an ONNX model"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.5, 0.9, 0.999})
    void aTruncatedModelIsRejectedNamingTheFile(double keep) throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.cifarModel("resnet20"));
        Path file = tmp.resolve("cut.onnx");
        Files.write(file, Arrays.copyOf(bytes, (int) (bytes.length * keep)));
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxModels.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void anUnsupportedOpsetIsRejected() throws Exception {
        ModelProto model = OnnxModels.read(SharedData.cifarModel("resnet20")).toBuilder()
                .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(9)).build();
        Path file = tmp.resolve("old.onnx");
        OnnxModels.write(model, file);
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxModels.read(file));
        assertEquals(file + ": unsupported opset 9 for domain ai.onnx (supported: 13 to 22; convert the model with onnx.version_converter)",
                e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = tmp.resolve("absent.onnx");
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxModels.read(file));
        assertEquals(file + ": model file not found", e.getMessage());
    }

    @Test
    void anEmptyFileIsNotAModel() throws Exception {
        Path file = tmp.resolve("empty.onnx");
        Files.write(file, new byte[0]);
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxModels.read(file));
        assertEquals(file + ": not an ONNX model (no IR version or no graph)", e.getMessage());
    }

    @Test
    void writtenModelsReadBackIdentically() throws Exception {
        ModelProto model = OnnxModels.read(SharedData.cifarModel("resnet20"));
        Path file = tmp.resolve("copy.onnx");
        OnnxModels.write(model, file);
        assertEquals(model, OnnxModels.read(file));
    }
}
