package io.hastegw.plugins.directory;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Replays image files from {@code dir} as camera frames, {@code rate} frames per second in all:
 * files in a subfolder are frames of the camera named after it, files directly in {@code dir}
 * frames of {@code camera}. Frames go through the gateway as MQTT frames do (same limits, queues,
 * predictions on {@code haste/<gateway_id>/cameras/<camera>/predictions}); each frame's id is its
 * path under {@code dir}. With {@code loop} the files are replayed forever, else once. Files
 * larger than the pipeline's payload limit are skipped with a warning.
 */
public final class DirectorySourcePlugin implements Plugin, FrameSource {
    private static final Map<String, String> TYPES = Map.of("jpg", "image/jpeg", "jpeg", "image/jpeg", "png", "image/png",
            "hraw", "application/x-haste-raw");

    /** A file to send and its camera. */
    private record Entry(Path file, String camera, String frameId) {}

    private PluginContext context;
    private Path dir;
    private double rate;
    private boolean loop;
    private String camera;
    private List<Entry> entries;
    private ScheduledFuture<?> task;
    private int next;

    @Override
    public void init(PluginContext context, Extensions extensions) throws IOException {
        this.context = context;
        Map<String, Object> c = context.config();
        dir = Path.of((String) c.get("dir"));
        rate = ((Number) c.getOrDefault("rate", 10)).doubleValue();
        loop = (Boolean) c.getOrDefault("loop", false);
        camera = (String) c.getOrDefault("camera", "directory");
        if (!Files.isDirectory(dir)) {
            throw new IOException("dir " + dir + " is not a folder");
        }
        entries = scan();
        if (entries.isEmpty()) {
            throw new IOException("dir " + dir + " holds no .jpg, .jpeg, .png or .hraw file");
        }
        extensions.frameSource("directory", this);
    }

    private List<Entry> scan() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            for (Path f : walk.filter(Files::isRegularFile).filter(f -> TYPES.containsKey(extension(f))).sorted().toList()) {
                Path rel = dir.relativize(f);
                out.add(new Entry(f, rel.getNameCount() > 1 ? rel.getName(0).toString() : camera, rel.toString().replace('\\', '/')));
            }
        }
        return out;
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        return n.substring(n.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public synchronized void start(FrameInput input) {
        long periodMicros = Math.max(1, Math.round(1e6 / rate));
        task = context.scheduler().scheduleAtFixedRate(() -> sendNext(input), 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void sendNext(FrameInput input) {
        if (next >= entries.size()) {
            if (!loop) {
                context.logger().log(System.Logger.Level.INFO, "replayed the " + entries.size() + " files of " + dir + " once");
                task.cancel(false);
                return;
            }
            next = 0;
        }
        Entry e = entries.get(next++);
        try {
            if (Files.size(e.file()) > context.limits().maxPayloadBytes()) {
                context.logger().log(System.Logger.Level.WARNING, e.file() + " is larger than pipeline.max_payload_bytes: skipped");
                context.metrics().count("directory_skipped", 1);
                return;
            }
            byte[] bytes = Files.readAllBytes(e.file());
            if (input.submit(new Frame(e.camera(), e.frameId(), bytes, TYPES.get(extension(e.file())), Map.of(), null, System.nanoTime()))) {
                context.metrics().count("directory_frames", 1);
            }
        } catch (IOException ex) {
            context.logger().log(System.Logger.Level.WARNING, "cannot read " + e.file() + ": " + ex.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
