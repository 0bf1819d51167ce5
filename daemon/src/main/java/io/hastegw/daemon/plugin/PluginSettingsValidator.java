package io.hastegw.daemon.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hastegw.daemon.config.PluginsSection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plugin's settings from {@code plugins.settings.<id>}: whether it is enabled (built-in plugins
 * unless switched off, the operator's only when switched on) and whether its {@code config}
 * passes the JSON Schema its descriptor declares.
 */
final class PluginSettingsValidator {
    private final Map<String, PluginsSection.PluginSettings> settings;
    private final ObjectMapper json;

    PluginSettingsValidator(Map<String, PluginsSection.PluginSettings> settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /** Whether plugin {@code id} from {@code origin} is to be loaded. */
    boolean enabled(String id, PluginOrigin origin) {
        PluginsSection.PluginSettings s = settings.get(id);
        Boolean enabled = s == null ? null : s.enabled();
        return Boolean.TRUE.equals(enabled) || (enabled == null && origin == PluginOrigin.BUILTIN);
    }

    /** Plugin {@code id}'s configuration (none: empty). */
    Map<String, Object> configOf(String id) {
        PluginsSection.PluginSettings s = settings.get(id);
        return s == null || s.config() == null ? Map.of() : s.config();
    }

    /** What is wrong with {@code d}'s configuration against its schema, or empty when it passes. */
    Optional<String> problem(PluginDescriptor d) {
        try {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(d.configSchema());
            Set<ValidationMessage> errors = schema.validate(json.valueToTree(configOf(d.id())));
            if (!errors.isEmpty()) {
                return Optional.of("invalid configuration (plugins.settings." + d.id() + ".config): "
                        + String.join("; ", errors.stream().map(ValidationMessage::getMessage).sorted().toList()));
            }
        } catch (RuntimeException e) {
            return Optional.of("its config_schema is not a usable JSON Schema: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The ids enabled in the configuration. */
    java.util.List<String> enabledIds() {
        return settings.entrySet().stream().filter(e -> Boolean.TRUE.equals(e.getValue().enabled())).map(Map.Entry::getKey).sorted().toList();
    }
}
