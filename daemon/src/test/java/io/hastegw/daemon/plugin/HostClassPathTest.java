package io.hastegw.daemon.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin host's class path holds the API and the host, never the daemon's jar or classes. */
class HostClassPathTest {
    @Test
    void nextToTheGatewaysJarItIsThePluginHostFolderAndNotTheJar(@TempDir Path dir) throws Exception {
        Path gateway = Files.createFile(dir.resolve("haste-gateway.jar"));
        Path host = Files.createDirectories(dir.resolve("plugin-host"));
        Files.createFile(host.resolve("haste-plugin-host.jar"));
        Files.createFile(host.resolve("haste-plugin-api.jar"));
        assertEquals(host.resolve("haste-plugin-api.jar") + File.pathSeparator + host.resolve("haste-plugin-host.jar"), HostClassPath.of(gateway));
    }

    @Test
    void anEmptyPluginHostFolderIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path gateway = Files.createFile(dir.resolve("haste-gateway.jar"));
        Files.createDirectories(dir.resolve("plugin-host"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostClassPath.of(gateway));
        assertEquals("no jar in " + dir.resolve("plugin-host") + ": the plugin host's classes are missing (reinstall)", e.getMessage());
    }

    @Test
    void fromABuildsClassesItIsTheApisAndTheHostsCodeSourcesWithoutTheDaemons() {
        List<String> parts = Arrays.asList(HostClassPath.of().split(File.pathSeparator));
        assertEquals(2, parts.size(), parts.toString());
        assertTrue(parts.stream().anyMatch(p -> p.contains("plugin-api")), parts.toString());
        assertTrue(parts.stream().anyMatch(p -> p.contains("plugin-host")), parts.toString());
        assertFalse(parts.stream().anyMatch(p -> p.contains("daemon")), parts.toString());
    }

    @Test
    void theBuildPutsTheHostsJarsNextToTheGatewaysJar() {
        assertTrue(Files.isRegularFile(Path.of("target", "plugin-host", "haste-plugin-api.jar")));
        assertTrue(Files.isRegularFile(Path.of("target", "plugin-host", "haste-plugin-host.jar")));
    }
}
