package io.hastegw.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's control settings on disk, so they survive a restart: JSON ({@code {"schema":
 * "haste.control.set/1", "settings": {...}}}), written atomically (a temporary file in the same
 * folder, flushed to disk, then renamed over the old one: a crash leaves the old or the new file,
 * never half of one). Read through the same validation as a control command.
 */
public final class ControlStateFile {
    /** The file name under systemd's StateDirectory. */
    public static final String NAME = "control-state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    /** The state file at {@code file}. */
    public ControlStateFile(Path file) {
        this.file = file;
    }

    /**
     * Where the settings persist: {@code configured} when set, else {@code $STATE_DIRECTORY/}{@value #NAME}
     * when systemd sets STATE_DIRECTORY (its first entry), else nowhere.
     */
    public static Optional<ControlStateFile> locate(String configured, Map<String, String> env) {
        if (configured != null && !configured.isBlank()) {
            return Optional.of(new ControlStateFile(Path.of(configured)));
        }
        String dirs = env.get("STATE_DIRECTORY");
        if (dirs == null || dirs.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new ControlStateFile(Path.of(dirs.split(":")[0], NAME)));
    }

    /** The file's path. */
    public Path path() {
        return file;
    }

    /**
     * The settings stored, checked against a model of {@code levels} levels and the registered {@code policies}; empty when there is
     * no file yet.
     *
     * @throws IOException when the file cannot be read, or is corrupt or invalid (the message says which)
     */
    public Optional<ControlSettings> read(ControlSettings defaults, int levels, Set<String> policies) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("control state file " + file + " cannot be read: " + e, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException("control state file " + file + " is corrupt (not JSON)", e);
        }
        if (root == null || !root.isObject() || !ControlCommands.SET_SCHEMA.equals(root.path("schema").asText()) || !root.path("settings").isObject()) {
            throw new IOException("control state file " + file + " is corrupt: expected {\"schema\": \"" + ControlCommands.SET_SCHEMA
                    + "\", \"settings\": {...}}");
        }
        ControlCommands.Parsed parsed = ControlCommands.set(root.get("settings").toString().getBytes(StandardCharsets.UTF_8),
                defaults, levels, policies);
        if (!parsed.accepted()) {
            throw new IOException("control state file " + file + " is invalid for this model: " + String.join("; ", parsed.errors()));
        }
        return Optional.of(parsed.settings());
    }

    /** Stores {@code settings} atomically (creating the folder when missing). */
    public void write(ControlSettings settings) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(ControlCommands.toJson(settings)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
