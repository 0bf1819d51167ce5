package io.hastegw.daemon.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hastegw.daemon.TestPlugins;
import io.hastegw.daemon.config.PluginsSection;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.plugin.api.PipelineLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading rules, on plugins built by the test in a temporary operator folder: permissions and
 * ownership, symbolic links, enabling, the DISABLED marker, descriptors, configuration schemas,
 * duplicate ids. The gateway-level behaviour (refusal events, failing stages) is in
 * PluginGatewayTest.
 */
class PluginRuntimeTest {
    private static final String USER = System.getProperty("user.name");
    private static final String SCHEMA = "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"greeting\"],"
            + " \"properties\": {\"greeting\": {\"type\": \"string\", \"minLength\": 2}}}";

    /** The gateway's MQTT connection as plugins see it before it is connected (these tests load plugins, nothing publishes). */
    private static final MqttOutput NOT_CONNECTED = new MqttOutput() {
        @Override
        public String predictionTopic(String cameraId) {
            return "haste/gw/cameras/" + cameraId + "/predictions";
        }

        @Override
        public boolean publish(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties, byte[] correlationData,
                               String contentType) {
            return false;
        }
    };

    @TempDir
    Path tmp;
    private Path dir;
    private Path builtin;

    @BeforeEach
    void folders() throws IOException {
        dir = Files.createDirectories(tmp.resolve("plugins"));
        builtin = Files.createDirectories(tmp.resolve("builtin"));
    }

    private PluginRuntime load(Map<String, PluginsSection.PluginSettings> settings) {
        PluginsSection config = new PluginsSection(builtin.toString(), dir.toString(), null, 500, 3, 20, 2, 3, 16,
                new PluginsSection.HostLimits(64, 64, 384, 3, 600), settings);
        Host host = new Host("gw", new ModelInfo("m", 3, 32, 32, List.of("a", "b"), false), new PipelineLimits(1 << 20, 1 << 20, 1 << 24, 500),
                p -> "{}".getBytes(StandardCharsets.UTF_8), tmp.resolve("data"), NOT_CONNECTED);
        return PluginRuntime.load(config, builtin, host, new SimpleMeterRegistry(), USER, PluginSafety.inMemory());
    }

    private static Map<String, PluginsSection.PluginSettings> enabled(String id) {
        return Map.of(id, new PluginsSection.PluginSettings(true, null));
    }

    private Path working(Path jar, String id) {
        return TestPlugins.postProcessor(jar, id, "return labels;", List.of());
    }

    /** The status of the one jar or folder in the plugins folder (a refused one may be followed by its id's "not loaded" line). */
    private static PluginStatus only(PluginRuntime runtime) {
        return runtime.status().get(0);
    }

    @Test
    void anEnabledPluginRunsWithTheStagesItRegistered() {
        working(dir.resolve("hello.jar"), "hello");
        try (PluginRuntime runtime = load(enabled("hello"))) {
            PluginStatus s = only(runtime);
            assertEquals(List.of("hello", "running", "operator", List.of("post:step")), List.of(s.id(), s.state(), s.origin(), s.stages()));
            assertEquals(1, runtime.postProcessors(List.of()).get().size());
        }
    }

    @Test
    void anOperatorsPluginIsNotLoadedUntilEnabled() {
        working(dir.resolve("hello.jar"), "hello");
        try (PluginRuntime runtime = load(Map.of())) {
            assertEquals("found in plugins.dir but not enabled (set plugins.settings.hello.enabled: true)", only(runtime).reason());
            assertEquals(PluginStatus.NOT_ENABLED, only(runtime).state());
            assertEquals(List.of(), runtime.postProcessors(List.of()).get());
        }
    }

    @Test
    void aRetiredBuiltInPluginLeftBehindIsRefusedSayingWhy() {
        working(builtin.resolve("haste-plugin-mqtt-sink.jar"), "mqtt-sink");
        try (PluginRuntime runtime = load(Map.of())) {
            assertEquals(List.of("mqtt-sink", PluginStatus.REFUSED, "retired: the gateway publishes predictions itself since plugin API 2.2 "
                    + "(mqtt.publish_predictions, mqtt.prediction_qos); delete this jar"), List.of(only(runtime).id(), only(runtime).state(),
                    only(runtime).reason()));
        }
    }

    @Test
    void aDisabledMarkerFileKeepsAPluginFolderFromLoading() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hello"));
        working(folder.resolve("hello.jar"), "hello");
        Files.createFile(folder.resolve("DISABLED"));
        try (PluginRuntime runtime = load(enabled("hello"))) {
            assertEquals("disabled by the marker file " + folder.resolve("DISABLED"), only(runtime).reason());
        }
    }

    @Test
    void aPluginsFolderUnderAGroupWritableFolderIsRefused() throws IOException {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        dir = Files.createDirectories(shared.resolve("plugins"));
        working(dir.resolve("hello.jar"), "hello");
        try (PluginRuntime runtime = load(enabled("hello"))) {
            PluginStatus s = runtime.status().stream().filter(p -> PluginStatus.REFUSED.equals(p.state())).findFirst().orElseThrow();
            assertEquals("plugins folder refused: folder " + shared.toRealPath() + " above it: is group-writable (mode rwxrwxr-x); remove the "
                    + "write permission: chmod go-w " + shared.toRealPath() + " (whoever can write it can replace the plugins folder)", s.reason());
        }
    }

    @Test
    void aGroupWritableJarIsRefused() throws IOException {
        Path jar = working(dir.resolve("hello.jar"), "hello");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));
        try (PluginRuntime runtime = load(enabled("hello"))) {
            assertEquals(jar + " is group-writable (mode rw-rw-r--); remove the write permission: chmod go-w " + jar, only(runtime).reason());
            assertEquals(PluginStatus.REFUSED, only(runtime).state());
        }
    }

    @Test
    void aWorldWritablePluginsFolderIsRefusedWithEverythingInIt() throws IOException {
        working(dir.resolve("hello.jar"), "hello");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (PluginRuntime runtime = load(enabled("hello"))) {
            assertEquals(List.of("plugins folder refused: " + dir + " is world-writable (mode rwxrwxrwx); remove the write permission: chmod go-w "
                    + dir, "configured in plugins.settings but not loaded: no plugin with this id could be read in " + builtin + " or " + dir
                    + " (see the refusals there)"),
                    runtime.status().stream().map(PluginStatus::reason).toList());
        }
    }

    @Test
    void aJarOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(USER.equals("root"), "only root can give a file to another user");
        Path jar = working(dir.resolve("hello.jar"), "hello");
        UserPrincipal nobody = jar.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(jar, nobody);
        try (PluginRuntime runtime = load(enabled("hello"))) {
            assertEquals(jar + " is owned by 'nobody'; it must be owned by root (the gateway's user)", only(runtime).reason());
        }
    }

    @Test
    void aSymbolicLinkIsRefused() throws IOException {
        Path real = working(Files.createDirectories(tmp.resolve("elsewhere")).resolve("hello.jar"), "hello");
        Path link = Files.createSymbolicLink(dir.resolve("hello.jar"), real);
        try (PluginRuntime runtime = load(enabled("hello"))) {
            assertEquals(link + " is a symbolic link; plugins are loaded only from files in the plugins folder", only(runtime).reason());
        }
    }

    @Test
    void aConfigurationThatFailsThePluginsSchemaIsRefusedWithEachProblem() {
        TestPlugins.jar(dir.resolve("greeter.jar"), Map.of(), Map.of("haste-plugin.json", TestPlugins.descriptor("greeter", "1.0.0", "2.0", SCHEMA)),
                List.of());
        try (PluginRuntime runtime = load(Map.of("greeter", new PluginsSection.PluginSettings(true, Map.of("greeting", "x", "volume", 11))))) {
            assertEquals("invalid configuration (plugins.settings.greeter.config): $.greeting: must be at least 2 characters long; "
                    + "$: property 'volume' is not defined in the schema and the schema does not allow additional properties", only(runtime).reason());
        }
    }

    @Test
    void aJarWithoutDescriptorIsRefused() {
        TestPlugins.jar(dir.resolve("bare.jar"), Map.of(), Map.of("readme.txt", "no descriptor"), List.of());
        try (PluginRuntime runtime = load(Map.of())) {
            assertEquals("no haste-plugin.json at the root of its jar", only(runtime).reason());
        }
    }

    @Test
    void aSecondPluginWithTheSameIdIsRefused() {
        working(dir.resolve("a.jar"), "twin");
        working(dir.resolve("b.jar"), "twin");
        try (PluginRuntime runtime = load(enabled("twin"))) {
            assertEquals("a plugin with id 'twin' is already loaded from " + dir.resolve("a.jar"), runtime.status().get(1).reason());
        }
    }

    @Test
    void aNewerMinorApiVersionIsRefused() {
        TestPlugins.jar(dir.resolve("future.jar"), Map.of(), Map.of("haste-plugin.json", TestPlugins.descriptor("future", "1.0.0", "2.7",
                "{\"type\": \"object\"}")), List.of());
        try (PluginRuntime runtime = load(enabled("future"))) {
            assertEquals("needs plugin API 2.7, this gateway implements 2.2 (a newer minor version)", only(runtime).reason());
        }
    }
}
