package io.hastegw.daemon.plugin;

import java.nio.file.Path;
import java.util.List;

/**
 * A jar or a folder of jars that may be a plugin, as {@link PluginScanner} found it.
 *
 * @param location the jar or folder (null for a plugin named only in the configuration)
 * @param origin   which folder it came from
 * @param jars     its jars (the folder's and its {@code lib/}'s)
 */
record PluginCandidate(Path location, PluginOrigin origin, List<Path> jars) {
    PluginCandidate {
        jars = List.copyOf(jars);
    }

    /** Where it is, as statuses and logs show it. */
    String where() {
        return String.valueOf(location);
    }
}
