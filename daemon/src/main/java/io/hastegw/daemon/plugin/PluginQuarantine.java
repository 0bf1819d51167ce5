package io.hastegw.daemon.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The plugins quarantined on this gateway, persisted across restarts in a JSON file
 * ({@code {"<plugin id>": {"reason": "...", "since": "<ISO-8601>"}}}, written atomically): a
 * quarantined plugin is not loaded until an operator clears it ({@code haste-gateway
 * clear-quarantine <id>}). Without a file (no state folder) quarantine lasts until the process
 * ends. Thread-safe.
 */
public final class PluginQuarantine {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why and since when a plugin is quarantined. */
    public record Entry(String reason, String since) {}

    private final Path file;
    private final Map<String, Entry> entries;

    private PluginQuarantine(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** A quarantine kept in memory only. */
    public static PluginQuarantine inMemory() {
        return new PluginQuarantine(null, new TreeMap<>());
    }

    /** The quarantine kept in {@code file} (empty when it does not exist yet); null: kept in memory only. */
    public static PluginQuarantine open(Path file) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        if (file != null && Files.exists(file)) {
            try {
                JSON.readTree(file.toFile()).fields().forEachRemaining(e -> entries.put(e.getKey(),
                        new Entry(e.getValue().path("reason").asText(""), e.getValue().path("since").asText(""))));
            } catch (IOException e) {
                throw new IOException("plugin quarantine file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new PluginQuarantine(file, entries);
    }

    /** Why {@code plugin} is quarantined, or empty when it is not. */
    public synchronized Optional<Entry> of(String plugin) {
        return Optional.ofNullable(entries.get(plugin));
    }

    /** Quarantines {@code plugin} for {@code reason} (kept when already quarantined) and saves. */
    public synchronized void add(String plugin, String reason) throws IOException {
        if (entries.putIfAbsent(plugin, new Entry(reason, Instant.now().toString())) == null) {
            save();
        }
    }

    /** Releases {@code plugin}; false when it was not quarantined. */
    public synchronized boolean clear(String plugin) throws IOException {
        if (entries.remove(plugin) == null) {
            return false;
        }
        save();
        return true;
    }

    /** Every quarantined plugin. */
    public synchronized Map<String, Entry> all() {
        return Map.copyOf(entries);
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(entries));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
