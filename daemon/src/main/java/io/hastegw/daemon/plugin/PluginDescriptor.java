package io.hastegw.daemon.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a plugin declares about itself in {@value #FILE} at the root of its jar (docs/plugins.md):
 * read before any of its classes is loaded, so a plugin built for another API is refused
 * without running its code.
 *
 * @param id           unique id, lower-case letters, digits and '-' (1-64); the key of its settings
 * @param version      the plugin's own version (semantic versioning)
 * @param api          the plugin API version it was built against, {@code MAJOR.MINOR}
 * @param name         a human name
 * @param description  one sentence on what it does
 * @param configSchema a JSON Schema (draft 2020-12) its configuration must satisfy
 */
public record PluginDescriptor(String id, String version, String api, String name, String description, JsonNode configSchema) {
    /** The descriptor's resource name in a plugin's jar. */
    public static final String FILE = "haste-plugin.json";

    /** A descriptor that is missing or invalid, with every problem. */
    public static final class InvalidDescriptorException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidDescriptorException(String message) {
            super(message);
        }

        InvalidDescriptorException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads and checks a descriptor; the exception names every problem. */
    public static PluginDescriptor read(InputStream in, ObjectMapper json) throws InvalidDescriptorException {
        JsonNode root;
        try {
            root = json.readTree(in);
        } catch (IOException e) {
            throw new InvalidDescriptorException(FILE + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidDescriptorException(FILE + " must be a JSON object");
        }
        List<String> errors = new ArrayList<>();
        String id = text(root, "id", "[a-z0-9][a-z0-9-]{0,63}", "1-64 of a-z 0-9 - (starting with a letter or digit)", errors);
        String version = text(root, "version", "\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}([-+][0-9A-Za-z.+-]{1,64})?", "a semantic version like 1.2.0", errors);
        String api = text(root, "api", "\\d{1,4}\\.\\d{1,4}", "MAJOR.MINOR, the plugin API it was built against", errors);
        String name = text(root, "name", ".{1,120}", "1-120 characters", errors);
        String description = text(root, "description", "(?s).{1,1000}", "1-1000 characters", errors);
        JsonNode schema = root.get("config_schema");
        if (schema == null || !schema.isObject()) {
            errors.add("config_schema must be a JSON Schema object (use {\"type\": \"object\"} for a plugin without settings)");
        }
        root.fieldNames().forEachRemaining(f -> {
            if (!List.of("id", "version", "api", "name", "description", "config_schema").contains(f)) {
                errors.add("unknown field '" + f + "'");
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidDescriptorException(FILE + ": " + String.join("; ", errors));
        }
        return new PluginDescriptor(id, version, api, name, description, schema);
    }

    private static String text(JsonNode root, String field, String pattern, String allowed, List<String> errors) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || !n.asText().matches(pattern)) {
            errors.add(field + " must be " + allowed + (n == null ? " (missing)" : " (got " + n + ")"));
            return null;
        }
        return n.asText();
    }
}
