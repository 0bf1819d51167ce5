package io.hastegw.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * A frame source reading image files under a folder and publishing them as simulated cameras
 * would, at a fixed total rate: either round-robin over {@code cameras} camera topics
 * ({@code <dir>/<class>/<file>}: unrelated images), or each first-level folder one camera sending
 * its own files in name order ({@code <dir>/<camera>/<file>}: a camera's clips), the cameras
 * taking turns. Each frame's id is its path under the folder, so its truth travels with it.
 */
final class DirectoryFrameSource {
    private final Path root;
    /** Per camera, its frames in the order it sends them. */
    private final List<List<Path>> cameras;
    private final int size;

    private DirectoryFrameSource(Path root, List<List<Path>> cameras) throws IOException {
        this.root = root;
        this.cameras = cameras;
        this.size = cameras.stream().mapToInt(List::size).sum();
        if (size == 0) {
            throw new IOException(root + ": no frames");
        }
    }

    /** The image files under {@code root} in name order, dealt round-robin to {@code cameras} cameras. */
    static DirectoryFrameSource roundRobin(Path root, int cameras) throws IOException {
        List<List<Path>> dealt = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
            dealt.add(new ArrayList<>());
        }
        List<Path> files = files(root);
        for (int i = 0; i < files.size(); i++) {
            dealt.get(i % cameras).add(files.get(i));
        }
        return new DirectoryFrameSource(root, dealt);
    }

    /** A camera per first-level folder of {@code root}, sending that folder's files in name order. */
    static DirectoryFrameSource perFolder(Path root) throws IOException {
        Map<Path, List<Path>> byFolder = new TreeMap<>();
        for (Path f : files(root)) {
            byFolder.computeIfAbsent(root.relativize(f).getName(0), k -> new ArrayList<>()).add(f);
        }
        return new DirectoryFrameSource(root, new ArrayList<>(byFolder.values()));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Number of frames available. */
    int size() {
        return size;
    }

    /** Number of cameras. */
    int cameras() {
        return cameras.size();
    }

    /**
     * Publishes every file once, camera k's to {@code topicFor(k)}, the cameras taking turns,
     * {@code rate} frames per second in total, recording each frame's publication time
     * ({@link System#nanoTime()}) in {@code sentAt}.
     */
    void publish(MqttAsyncClient client, java.util.function.IntFunction<String> topicFor, double rate, Map<String, Long> sentAt)
            throws IOException, MqttException {
        long start = System.nanoTime();
        long interval = (long) (1e9 / rate);
        int longest = cameras.stream().mapToInt(List::size).max().orElse(0);
        int sent = 0;
        for (int step = 0; step < longest; step++) {
            for (int camera = 0; camera < cameras.size(); camera++) {
                List<Path> own = cameras.get(camera);
                if (step >= own.size()) {
                    continue;
                }
                long wait = start + sent++ * interval - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Path file = own.get(step);
                String frameId = root.relativize(file).toString();
                MqttProperties props = new MqttProperties();
                props.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
                props.setContentType(file.toString().endsWith(".png") ? "image/png" : "image/jpeg");
                sentAt.put(frameId, System.nanoTime());
                client.publish(topicFor.apply(camera), new MqttMessage(Files.readAllBytes(file), 0, false, props));
            }
        }
    }
}
