package io.hastegw.plugins.jsonl;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.PredictionSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Appends every prediction message ({@code haste.prediction/3}) as one line to {@code path}
 * (default {@code predictions.jsonl} in the plugin's data directory). When the file would grow
 * past {@code max_bytes} it is rotated: {@code path} becomes {@code path.1}, {@code path.1}
 * becomes {@code path.2}, ... and {@code path.<keep>} is deleted, so the files never take more
 * than about {@code (keep + 1) x max_bytes}.
 */
public final class JsonlSinkPlugin implements Plugin, PredictionSink {
    private PluginContext context;
    private Path path;
    private long maxBytes;
    private int keep;
    private OutputStream out;
    private long size;

    @Override
    public void init(PluginContext context, Extensions extensions) throws IOException {
        this.context = context;
        Object p = context.config().get("path");
        path = p == null ? context.dataDir().resolve("predictions.jsonl") : Path.of((String) p);
        maxBytes = ((Number) context.config().getOrDefault("max_bytes", 64L << 20)).longValue();
        keep = ((Number) context.config().getOrDefault("keep", 5)).intValue();
        Path parent = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IOException("the folder of path " + path + " does not exist or is not writable");
        }
        extensions.predictionSink("jsonl", this);
    }

    @Override
    public void publish(Prediction prediction) throws IOException {
        publish(prediction, context.predictionJson(prediction));
    }

    /** Appends {@code message}, the prediction message the gateway encoded, as one line. */
    @Override
    public synchronized void publish(Prediction prediction, byte[] message) throws IOException {
        byte[] line = java.util.Arrays.copyOf(message, message.length + 1);
        line[message.length] = '\n';
        if (out == null) {
            open();
        }
        if (size > 0 && size + line.length > maxBytes) {
            out.close();
            rotate();
            open();
        }
        out.write(line);
        out.flush();
        size += line.length;
    }

    private void open() throws IOException {
        out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        size = Files.size(path);
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (keep >= 1) {
            Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(path);
        }
    }

    private Path rotated(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    @Override
    public synchronized void stop() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
