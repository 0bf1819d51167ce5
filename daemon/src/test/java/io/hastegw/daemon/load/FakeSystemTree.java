package io.hastegw.daemon.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test support: a fake /proc and /sys tree under a test's temporary folder. */
public record FakeSystemTree(Path root) {
    /** The tree as the gateway reads it. */
    public SystemFiles files() {
        return new SystemFiles(root.resolve("proc"), root.resolve("sys"));
    }

    /** Writes {@code text} to {@code path} (relative to the root, e.g. {@code proc/stat}), creating its folders. */
    public void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
