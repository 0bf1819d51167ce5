package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.plugin.api.PluginApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plugin API artifact is versioned as the API: its POM's version, the test kit's, the parent's property, the example's
 * and the template's all equal one version starting with PluginApi.VERSION.
 */
class PluginApiVersionTest {
    private static final Path REPO = Path.of(System.getProperty("haste.repo.dir", ".."));

    private static String first(Path pom, String regex) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(REPO.resolve(pom)));
        assertTrue(m.find(), regex + " in " + pom);
        return m.group(1);
    }

    @Test
    void theApiArtifactCarriesTheApiVersion() throws Exception {
        String artifact = first(Path.of("plugins/plugin-api/pom.xml"), "<artifactId>haste-plugin-api</artifactId>\\s*(?:<!--.*?-->\\s*)?<version>([^<]+)</version>");
        assertTrue(artifact.startsWith(PluginApi.VERSION + "."), artifact + " is not " + PluginApi.VERSION + ".<patch>");
        assertEquals(artifact, first(Path.of("pom.xml"), "<haste.plugin.api.version>([^<]+)</haste.plugin.api.version>"));
        assertEquals(artifact, first(Path.of("plugins/plugin-testkit/pom.xml"),
                "<artifactId>haste-plugin-testkit</artifactId>\\s*(?:<!--.*?-->\\s*)?<version>([^<]+)</version>"));
        for (String example : new String[] {"http-snapshot-source", "template"}) {
            assertEquals(artifact, first(Path.of("plugins/examples", example, "pom.xml"), "<haste.plugin.api.version>([^<]+)</haste.plugin.api.version>"),
                    example);
        }
    }
}
