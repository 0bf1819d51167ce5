package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.Plugin;
import io.hastegw.pluginhost.HostMain;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** The class path of a plugin host: where the plugin API's and the host's classes are (their jars, or folders in a build). */
final class HostClassPath {
    private HostClassPath() {}

    /** The class path, as {@code -cp} takes it. */
    static String of() {
        Set<String> parts = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {Plugin.class, HostMain.class}) {
            try {
                parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate " + c.getName(), e);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
