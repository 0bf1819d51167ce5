package io.hastegw.daemon.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * A frame source reading image files from {@code <dir>/<class>/<file>} and publishing them, as
 * simulated cameras would, round-robin over {@code cameras} camera topics at a fixed total rate.
 * Each frame's id is {@code <class>/<file>}, so the true class travels with it.
 */
final class DirectoryFrameSource {
    private final List<Path> files;
    private final Path root;

    /** The image files under {@code root}, in name order. */
    DirectoryFrameSource(Path root) throws IOException {
        this.root = root;
        try (Stream<Path> walk = Files.walk(root)) {
            this.files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(root + ": no frames");
        }
    }

    /** Number of frames available. */
    int size() {
        return files.size();
    }

    /**
     * Publishes every file once to {@code topicFor(camera)}, {@code rate} frames per second in
     * total, recording each frame's publication time ({@link System#nanoTime()}) in {@code sentAt}.
     */
    void publish(MqttAsyncClient client, java.util.function.IntFunction<String> topicFor, int cameras, double rate,
                 java.util.Map<String, Long> sentAt) throws IOException, MqttException {
        long start = System.nanoTime();
        long interval = (long) (1e9 / rate);
        for (int i = 0; i < files.size(); i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Path file = files.get(i);
            String frameId = root.relativize(file).toString();
            MqttProperties props = new MqttProperties();
            props.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
            props.setContentType("image/png");
            sentAt.put(frameId, System.nanoTime());
            client.publish(topicFor.apply(i % cameras), new MqttMessage(Files.readAllBytes(file), 0, false, props));
        }
    }
}
