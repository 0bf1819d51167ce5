package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.PluginApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The id and API version of a plugin's {@code haste-plugin.json}, read as the gateway reads them, the API version checked. */
record Descriptor(String id, String api) {
    private static final String FILE = "haste-plugin.json";

    /** The descriptor next to {@code pluginClass} (on its class loader). */
    static Descriptor of(Class<?> pluginClass) throws IOException {
        try (InputStream in = pluginClass.getClassLoader().getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException("no " + FILE + " on the class path of " + pluginClass.getName()
                        + ": a plugin's jar needs one (id, version, api, config_schema; docs/plugins.md)");
            }
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Descriptor d = new Descriptor(field(json, "id"), field(json, "api"));
            PluginApi.incompatibility(d.api()).ifPresent(why -> {
                throw new IllegalStateException("plugin '" + d.id() + "': " + why);
            });
            return d;
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException(FILE + " has no \"" + name + "\" string");
        }
        return m.group(1);
    }
}
