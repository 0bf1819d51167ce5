package io.hastegw.op;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.ImageFolder;
import io.hastegw.op.eval.LabelledImage;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real models and images of ../shared, located through the {@code haste.shared.dir} system
 * property (set by the build) or the {@code HASTE_SHARED_DIR} environment variable. A missing
 * folder fails the test with a message that says where it was looked for.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared folder. */
    public static Path root() {
        String dir = System.getProperty("haste.shared.dir", System.getenv().getOrDefault("HASTE_SHARED_DIR", "../../shared"));
        Path root = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("models"))) {
            throw new IllegalStateException("shared data not found at " + root + " (set -Dhaste.shared.dir or HASTE_SHARED_DIR)");
        }
        return root;
    }

    /** A CIFAR-10 ResNet from ../shared: {@code resnet20} or {@code resnet56}. */
    public static Path cifarModel(String name) {
        return root().resolve("models/cifar10-resnet-akamaster/" + name + ".onnx");
    }

    /** The model card next to {@link #cifarModel(String)}. */
    public static ModelCard cifarCard(String name) throws Exception {
        return ModelCard.read(root().resolve("models/cifar10-resnet-akamaster/" + name + ".json"));
    }

    /** The CIFAR-10 JPEG test folder. */
    public static Path cifarTest() {
        return root().resolve("data/cifar10-jpeg/test");
    }

    /** The first {@code n} CIFAR-10 test images (interleaved across classes), preprocessed for {@code card}. */
    public static List<FloatTensor> cifarInputs(ModelCard card, int n) throws IOException {
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> out = new ArrayList<>();
        for (LabelledImage image : ImageFolder.interleaved(cifarTest(), card.labels(), n)) {
            out.add(pre.load(image.file()));
        }
        return out;
    }
}
