package io.hastegw.daemon;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test support: the real models and images of ../shared, and a HASTE ResNet-20 made once per JVM in a temp folder. */
final class TestModels {
    private static Path hasteResNet20;

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

    static Path cifar(String cls, int index) {
        return shared().resolve(String.format("data/cifar10-jpeg/test/%s/%04d.jpg", cls, index));
    }

    static synchronized Path hasteResNet20() throws Exception {
        if (hasteResNet20 == null) {
            Path dir = Files.createTempDirectory("haste-daemon-test");
            dir.toFile().deleteOnExit();
            Path out = dir.resolve("resnet20-haste.onnx");
            var result = new HasteTransformer(OrtEnvironment.getEnvironment())
                    .transform(OnnxModels.read(resnet20()), new long[] {1, 3, 32, 32}, HasteOptions.defaults());
            OnnxModels.write(result.model(), out);
            out.toFile().deleteOnExit();
            hasteResNet20 = out;
        }
        return hasteResNet20;
    }
}
