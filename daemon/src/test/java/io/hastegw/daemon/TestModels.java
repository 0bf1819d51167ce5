package io.hastegw.daemon;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test support: the real models and images of ../shared, and HASTE versions of ResNet-20 and the scene-detector made once per JVM in a temp folder. */
final class TestModels {
    private static Path hasteResNet20;
    private static Path hasteDetector;

    private TestModels() {}

    static Path shared() {
        Path root = Path.of(System.getProperty("haste.shared.dir", System.getenv().getOrDefault("HASTE_SHARED_DIR", "../../shared")))
                .toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("models"))) {
            throw new IllegalStateException("shared data not found at " + root + " (set -Dhaste.shared.dir or HASTE_SHARED_DIR)");
        }
        return root;
    }

    static Path resnet20() {
        return shared().resolve("models/cifar10-resnet-akamaster/resnet20.onnx");
    }

    static Path resnet20Card() {
        return shared().resolve("models/cifar10-resnet-akamaster/resnet20.json");
    }

    static Path detector() {
        return shared().resolve("models/synthetic-detector/scene-detector.onnx");
    }

    static Path detectorCard() {
        return shared().resolve("models/synthetic-detector/scene-detector.json");
    }

    /** Labelled test scene {@code index} of ../shared/data/detection-scenes/test. */
    static Path scene(int index) {
        return shared().resolve(String.format("data/detection-scenes/test/images/%04d.jpg", index));
    }

    static Path cifar(String cls, int index) {
        return shared().resolve(String.format("data/cifar10-jpeg/test/%s/%04d.jpg", cls, index));
    }

    /** The shared scene-detector made HASTE-enabled with the default options (levels 0..8), once per JVM in a temp folder. */
    static synchronized Path hasteDetector() throws Exception {
        if (hasteDetector == null) {
            hasteDetector = transformed(detector(), new long[] {1, 3, 256, 256}, "scene-detector-haste.onnx");
        }
        return hasteDetector;
    }

    private static Path transformed(Path model, long[] shape, String name) throws Exception {
        Path dir = Files.createTempDirectory("haste-daemon-test");
        dir.toFile().deleteOnExit();
        Path out = dir.resolve(name);
        var result = new HasteTransformer(OrtEnvironment.getEnvironment()).transform(OnnxModels.read(model), shape, HasteOptions.defaults());
        OnnxModels.write(result.model(), out);
        out.toFile().deleteOnExit();
        return out;
    }

    static synchronized Path hasteResNet20() throws Exception {
        if (hasteResNet20 == null) {
            hasteResNet20 = transformed(resnet20(), new long[] {1, 3, 32, 32}, "resnet20-haste.onnx");
        }
        return hasteResNet20;
    }
}
