package io.hastegw.daemon.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds the candidates in a plugins folder: each jar, and each folder of jars (with its
 * {@code lib/}), in name order. Files that fail {@link PluginFiles}' rule, empty folders and
 * unreadable ones are reported as refused; a folder holding a {@value #DISABLED_MARKER} file is
 * reported as not enabled (HiveMQ's convention). Runs no plugin code.
 */
final class PluginScanner {
    /** A plugin folder holding a file of this name is not loaded. */
    static final String DISABLED_MARKER = "DISABLED";

    private final PluginFiles files;
    private final Consumer<PluginStatus> report;

    /** Checks files with {@code files}; tells {@code report} of every candidate it leaves out. */
    PluginScanner(PluginFiles files, Consumer<PluginStatus> report) {
        this.files = files;
        this.report = report;
    }

    /** The candidates of {@code dir}, which came from {@code origin}. */
    List<PluginCandidate> scan(Path dir, PluginOrigin origin) {
        List<PluginCandidate> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            refuse(dir, origin, "plugins folder " + dir + " does not exist");
            return found;
        }
        Optional<String> bad = files.refusal(dir).or(() -> origin == PluginOrigin.OPERATOR ? files.parentsRefusal(dir) : Optional.empty());
        if (bad.isPresent()) {
            refuse(dir, origin, "plugins folder refused: " + bad.get());
            return found;
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.sorted().toList();
        } catch (IOException e) {
            refuse(dir, origin, "cannot list plugins folder " + dir + ": " + e.getMessage());
            return found;
        }
        for (Path entry : entries) {
            if (Files.isDirectory(entry) || entry.getFileName().toString().endsWith(".jar")) {
                consider(entry, origin).ifPresent(found::add);
            }
        }
        return found;
    }

    private Optional<PluginCandidate> consider(Path entry, PluginOrigin origin) {
        Optional<String> bad = files.refusal(entry);
        if (bad.isPresent()) {
            return refuse(entry, origin, bad.get());
        }
        if (!Files.isDirectory(entry)) {
            return Optional.of(new PluginCandidate(entry, origin, List.of(entry)));
        }
        if (Files.exists(entry.resolve(DISABLED_MARKER))) {
            report.accept(PluginStatus.unloaded(PluginStatus.NOT_ENABLED, new PluginCandidate(entry, origin, List.of()), null, null,
                    "disabled by the marker file " + entry.resolve(DISABLED_MARKER)));
            return Optional.empty();
        }
        Path lib = entry.resolve("lib");
        List<Path> jars;
        try (Stream<Path> walk = Stream.concat(Files.list(entry), Files.isDirectory(lib) ? Files.list(lib) : Stream.empty())) {
            jars = walk.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return refuse(entry, origin, "cannot list " + entry + ": " + e.getMessage());
        }
        Optional<String> badLib = Stream.concat(Stream.of(lib).filter(Files::isDirectory), jars.stream())
                .map(files::refusal).flatMap(Optional::stream).findFirst();
        if (badLib.isPresent()) {
            return refuse(entry, origin, badLib.get());
        }
        if (jars.isEmpty()) {
            return refuse(entry, origin, "plugin folder " + entry + " holds no jar");
        }
        return Optional.of(new PluginCandidate(entry, origin, jars));
    }

    private Optional<PluginCandidate> refuse(Path where, PluginOrigin origin, String reason) {
        report.accept(PluginStatus.unloaded(PluginStatus.REFUSED, new PluginCandidate(where, origin, List.of()), null, null, reason));
        return Optional.empty();
    }
}
