package io.hastegw.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built Debian packages, inspected with dpkg-deb (installing and removing them is in the operator guide and the note). */
class PackageIT {
    @TempDir
    Path tmp;

    private static Path deb(String arch) {
        return Path.of(System.getProperty("deb.dir")).resolve("haste-gateway_" + System.getProperty("deb.version") + "_" + arch + ".deb");
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void theControlFieldsNameTheArchitectureAndTheJavaRuntime(String arch) throws Exception {
        assertEquals(arch, run("dpkg-deb", "-f", deb(arch).toString(), "Architecture").strip());
        assertEquals("haste-gateway", run("dpkg-deb", "-f", deb(arch).toString(), "Package").strip());
        assertTrue(run("dpkg-deb", "-f", deb(arch).toString(), "Depends").contains("default-jre-headless (>= 2:1.17)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void theFilesLieWhereTheUnitAndTheDocsExpectThem(String arch) throws Exception {
        String contents = run("dpkg-deb", "-c", deb(arch).toString());
        for (String path : List.of("./usr/lib/haste-gateway/haste-gateway.jar", "./usr/bin/haste-gateway", "./usr/bin/haste-op",
                "./etc/haste-gateway/config.yaml", "./lib/systemd/system/haste-gateway.service",
                "./usr/share/haste-gateway/models/fmnist-resnet10.onnx", "./usr/share/haste-gateway/models/fmnist-resnet10.json",
                "./usr/share/doc/haste-gateway/mqtt-api.md", "./usr/share/doc/haste-gateway/plugins.md", "./var/lib/haste-gateway/",
                "./usr/lib/haste-gateway/plugins/haste-plugin-image-decoders.jar", "./usr/lib/haste-gateway/plugins/haste-plugin-top-k.jar",
                "./usr/lib/haste-gateway/plugins/haste-plugin-control-policies.jar", "./usr/lib/haste-gateway/plugins/haste-plugin-energy-profiles.jar",
                "./usr/lib/haste-gateway/plugins/haste-plugin-webhook-sink.jar",
                "./usr/lib/haste-gateway/plugins/haste-plugin-jsonl-sink.jar",
                "./usr/lib/haste-gateway/plugins/haste-plugin-directory-source.jar", "./usr/lib/haste-gateway/plugins/haste-plugin-label-filters.jar",
                "./usr/lib/haste-gateway/plugin-host/haste-plugin-api.jar", "./usr/lib/haste-gateway/plugin-host/haste-plugin-host.jar")) {
            assertTrue(contents.lines().anyMatch(l -> l.endsWith(" " + path)), path + " missing:\n" + contents);
        }
        assertTrue(contents.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x root/root") && l.endsWith("./usr/bin/haste-gateway")), contents);
        assertTrue(contents.lines().anyMatch(l -> l.startsWith("drwxr-xr-x root/root") && l.endsWith("./etc/haste-gateway/plugins/")), contents);
        assertTrue(contents.lines().anyMatch(l -> l.startsWith("-rw-r--r-- root/root") && l.endsWith("./usr/lib/haste-gateway/plugins/haste-plugin-top-k.jar")),
                contents);
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void theInstalledGatewayLoadsItsBuiltInPluginsFromNextToItsJar(String arch) throws Exception {
        run("dpkg-deb", "-x", deb(arch).toString(), tmp.toString());
        Path usr = tmp.resolve("usr");
        String listed = run("java", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-XX:-UsePerfData", "-jar",
                usr.resolve("lib/haste-gateway/haste-gateway.jar").toString(), "--config", tmp.resolve("etc/haste-gateway/config.yaml").toString(),
                "--set", "model.card=" + usr.resolve("share/haste-gateway/models/fmnist-resnet10.json"),
                "--set", "plugins.dir=" + tmp.resolve("etc/haste-gateway/plugins"), "--list-plugins");
        for (String plugin : List.of("image-decoders 1.0.0", "top-k 1.0.0", "control-policies 1.0.0", "energy-profiles 1.0.0",
                "label-filters 1.1.0")) {
            assertTrue(listed.contains("running    " + plugin), plugin + ":\n" + listed);
        }
        for (String plugin : List.of("webhook-sink 1.1.0", "jsonl-sink 1.1.0", "directory-source 1.0.0")) {
            assertTrue(listed.contains("not_enabled " + plugin), plugin + ":\n" + listed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void theConfigurationIsAConffileAndTheMaintainerScriptsParse(String arch) throws Exception {
        run("dpkg-deb", "-e", deb(arch).toString(), tmp.resolve("control").toString());
        assertEquals("/etc/haste-gateway/config.yaml", Files.readString(tmp.resolve("control/conffiles")).strip());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            run("sh", "-n", tmp.resolve("control/" + script).toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void theJarCarriesLinuxNativesForBothBoardsAndTheShippedConfigLoads(String arch) throws Exception {
        run("dpkg-deb", "-x", deb(arch).toString(), tmp.toString());
        Path jar = tmp.resolve("usr/lib/haste-gateway/haste-gateway.jar");
        String listing = run("jar", "tf", jar.toString());
        for (String entry : List.of("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
                "lib/amd64-Linux-clang/jni/libjunixsocket-native-", "lib/aarch64-Linux-clang/jni/libjunixsocket-native-")) {
            assertTrue(listing.contains(entry), entry);
        }
        // Its temporary files (Vert.x's file cache) where this test JVM keeps its own, not in /tmp.
        String printed = run("java", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-XX:-UsePerfData", "-jar", jar.toString(),
                "--config", tmp.resolve("etc/haste-gateway/config.yaml").toString(), "--print-config");
        assertTrue(printed.contains("\"path\" : \"/usr/share/haste-gateway/models/fmnist-resnet10.onnx\""), printed);
    }
}
