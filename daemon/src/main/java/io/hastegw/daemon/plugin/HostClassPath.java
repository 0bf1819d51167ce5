package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.Plugin;
import io.hastegw.pluginhost.HostMain;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The class path of a plugin host: the plugin API's and the host's classes only, never the daemon's. Next to the
 * gateway's jar (a build's {@code daemon/target}, an install's {@code /usr/lib/haste-gateway}) the {@code plugin-host}
 * folder holds their two jars; without it (the classes run from a build's module folders, as in tests) their code
 * sources are used, which hold no daemon class either.
 */
final class HostClassPath {
    /** The folder next to the gateway's jar that holds a host's jars. */
    static final String FOLDER = "plugin-host";

    private HostClassPath() {}

    /** The class path, as {@code -cp} takes it. */
    static String of() {
        return of(location(HostClassPath.class));
    }

    /** The class path for a gateway whose classes are at {@code gateway} (its jar, or a classes folder). */
    static String of(Path gateway) {
        return folderNextTo(gateway).map(HostClassPath::jarsIn).orElseGet(() -> {
            Set<String> parts = new LinkedHashSet<>();
            for (Class<?> c : new Class<?>[] {Plugin.class, HostMain.class}) {
                parts.add(location(c).toString());
            }
            return List.copyOf(parts);
        }).stream().reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
    }

    private static Optional<Path> folderNextTo(Path gateway) {
        Path folder = gateway.resolveSibling(FOLDER);
        return gateway.toString().endsWith(".jar") && Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
    }

    private static List<String> jarsIn(Path folder) {
        try (Stream<Path> jars = Files.list(folder)) {
            List<String> out = jars.filter(j -> j.toString().endsWith(".jar")).sorted().map(Path::toString).toList();
            if (out.isEmpty()) {
                throw new IllegalStateException("no jar in " + folder + ": the plugin host's classes are missing (reinstall)");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + c.getName(), e);
        }
    }
}
