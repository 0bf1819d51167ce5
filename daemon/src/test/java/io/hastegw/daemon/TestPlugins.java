package io.hastegw.daemon;

import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginApi;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Test support: builds plugins during the test run (no checked-in jars). Java sources are
 * compiled with the JDK's compiler against the plugin API (and any library jars given), then
 * packaged with a descriptor and a service file, as a third party's build would.
 */
public final class TestPlugins {
    private TestPlugins() {}

    /** A plugin's descriptor for plugin API {@code api} and config schema {@code schema} (JSON). */
    public static String descriptor(String id, String version, String api, String schema) {
        return "{\"id\": \"" + id + "\", \"version\": \"" + version + "\", \"api\": \"" + api + "\", \"name\": \"test " + id
                + "\", \"description\": \"built by a test\", \"config_schema\": " + schema + "}";
    }

    /**
     * A plugin jar: {@code sources} (class name → source) compiled against the API and {@code libs},
     * the descriptor, and a service file naming {@code provider}.
     */
    public static Path plugin(Path jar, String id, String provider, Map<String, String> sources, List<Path> libs) {
        Map<String, String> resources = new LinkedHashMap<>();
        resources.put("haste-plugin.json", descriptor(id, "1.0.0", PluginApi.VERSION, "{\"type\": \"object\"}"));
        resources.put("META-INF/services/" + Plugin.class.getName(), provider + "\n");
        return jar(jar, sources, resources, libs);
    }

    /** A jar of {@code sources} compiled against the plugin API and {@code classpath}, plus {@code resources} (path → text). */
    public static Path jar(Path jar, Map<String, String> sources, Map<String, String> resources, List<Path> classpath) {
        try {
            Path work = Files.createTempDirectory(jar.getParent(), "build");
            Path src = Files.createDirectories(work.resolve("src"));
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17", "-classpath",
                    String.join(java.io.File.pathSeparator, Stream.concat(Stream.of(apiLocation()), classpath.stream()).map(Path::toString).toList())));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                args.add(file.toString());
            }
            if (!sources.isEmpty()) {
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                if (javac.run(null, null, System.err, args.toArray(new String[0])) != 0) {
                    throw new AssertionError("test plugin sources do not compile: " + sources.keySet());
                }
            }
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
                try (Stream<Path> walk = Files.walk(classes)) {
                    for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        j.write(Files.readAllBytes(f));
                        j.closeEntry();
                    }
                }
                for (Map.Entry<String, String> r : resources.entrySet()) {
                    j.putNextEntry(new JarEntry(r.getKey()));
                    j.write(r.getValue().getBytes(StandardCharsets.UTF_8));
                    j.closeEntry();
                }
            }
            deleteTree(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A post-processor plugin whose chain step is {@code body} (Java statements returning a List of ScoredLabel, seeing scores, labels, frame). */
    public static Path postProcessor(Path jar, String id, String body, List<Path> libs) {
        String cls = "test." + id.replace("-", "") + ".P";
        return plugin(jar, id, cls, Map.of(cls, "package test." + id.replace("-", "") + ";\n"
                + "import io.hastegw.plugin.api.*;\nimport java.util.*;\n"
                + "public final class P implements Plugin {\n"
                + "  public void init(PluginContext context, Extensions extensions) {\n"
                + "    extensions.postProcessor(\"step\", (scores, labels, frame) -> {\n" + body + "\n    });\n"
                + "  }\n}\n"), libs);
    }

    /** Where the plugin API's classes are (its jar, or its classes folder in a build). */
    private static Path apiLocation() {
        try {
            return Path.of(Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
