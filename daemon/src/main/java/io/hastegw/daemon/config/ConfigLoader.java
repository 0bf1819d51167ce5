package io.hastegw.daemon.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the effective configuration, later sources winning: the embedded defaults
 * ({@value #DEFAULTS}), the config file (YAML or JSON, through vertx-config), environment
 * variables {@code HASTE_GATEWAY_<SECTION>__<KEY>} (e.g. {@code HASTE_GATEWAY_MQTT__HOST}), and
 * {@code --set key=value} flags. Unknown keys, wrong types and invalid values are all reported
 * at once, each with its key.
 */
public final class ConfigLoader {
    /** Classpath resource with the embedded defaults. */
    public static final String DEFAULTS = "haste-gateway-defaults.yaml";
    /** Prefix of environment overrides. */
    public static final String ENV_PREFIX = "HASTE_GATEWAY_";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {}

    /**
     * Loads and validates the configuration.
     *
     * @param file optional config file (null: defaults only)
     * @param env  the environment (only {@value #ENV_PREFIX} variables are read)
     * @param sets {@code key=value} overrides, dotted snake_case keys
     */
    public static Future<GatewayConfig> load(Vertx vertx, Path file, Map<String, String> env, List<String> sets) {
        return raw(vertx, file).compose(json -> {
            try {
                return Future.succeededFuture(parse(applyOverrides(json, env, sets)));
            } catch (ConfigException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /** The merged defaults and file, before overrides. */
    static Future<JsonObject> raw(Vertx vertx, Path file) {
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false)
                .addStore(yamlStore(DEFAULTS));
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                return Future.failedFuture(new ConfigException(List.of("config file " + file + " not found")));
            }
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            options.addStore(name.endsWith(".json") ? new ConfigStoreOptions().setType("file").setFormat("json")
                    .setConfig(new JsonObject().put("path", file.toString())) : yamlStore(file.toString()));
        }
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig()
                .recover(e -> Future.failedFuture(new ConfigException(List.of("cannot read " + (file == null ? DEFAULTS : file)
                        + ": " + rootMessage(e)))))
                .eventually(() -> {
                    retriever.close();
                    return Future.succeededFuture();
                });
    }

    private static ConfigStoreOptions yamlStore(String path) {
        return new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", path));
    }

    /** Applies environment and flag overrides to {@code json}; unknown keys are errors. */
    static JsonObject applyOverrides(JsonObject json, Map<String, String> env, List<String> sets) throws ConfigException {
        JsonObject merged = json.copy();
        List<String> errors = new ArrayList<>();
        env.entrySet().stream().filter(e -> e.getKey().startsWith(ENV_PREFIX)).sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String key = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
            set(merged, key, e.getValue(), "environment variable " + e.getKey(), errors);
        });
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                errors.add("--set '" + s + "' must be key=value");
                continue;
            }
            set(merged, s.substring(0, eq).trim(), s.substring(eq + 1), "--set", errors);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return merged;
    }

    /** Keys under this prefix are plugins' own (checked against their schemas when they load): any may be set. */
    private static final String PLUGIN_SETTINGS = "plugins.settings.";
    /** Keys whose value is a map of names the operator chooses (camera ids): set whole, as a JSON object. */
    private static final java.util.Set<String> NAMED_MAPS = java.util.Set.of("detection.cameras");

    private static void set(JsonObject json, String dottedKey, String value, String source, List<String> errors) {
        String[] path = dottedKey.split("\\.");
        boolean open = dottedKey.startsWith(PLUGIN_SETTINGS) && path.length > 3;
        JsonObject node = json;
        for (int i = 0; i < path.length - 1; i++) {
            Object child = node.getValue(path[i]);
            if (child == null && open && i >= 2) {
                child = new JsonObject();
                node.put(path[i], child);
            }
            if (!(child instanceof JsonObject)) {
                errors.add("unknown key '" + dottedKey + "' (from " + source + ")");
                return;
            }
            node = (JsonObject) child;
        }
        String leaf = path[path.length - 1];
        boolean namedMap = NAMED_MAPS.contains(dottedKey) && scalar(value) instanceof JsonObject;
        if (!open && !namedMap && (!node.containsKey(leaf) || node.getValue(leaf) instanceof JsonObject)) {
            errors.add("unknown key '" + dottedKey + "' (from " + source + ")");
            return;
        }
        node.put(leaf, scalar(value));
    }

    /**
     * A flag or environment value as JSON: null, true/false, an integer, a decimal, a JSON array or
     * object (a value in brackets or braces that parses as JSON, e.g. {@code ["cat","dog"]}), or a
     * string.
     */
    private static Object scalar(String value) {
        String v = value.trim();
        if (v.startsWith("[") && v.endsWith("]") || v.startsWith("{") && v.endsWith("}")) {
            try {
                return Json.decodeValue(v);
            } catch (DecodeException e) {
                return value;
            }
        }
        if (v.equals("null") || v.isEmpty()) {
            return null;
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        if (v.matches("-?\\d{1,18}")) {
            return Long.parseLong(v);
        }
        if (v.matches("-?\\d+\\.\\d+")) {
            return Double.parseDouble(v);
        }
        return value;
    }

    /** Converts merged JSON into the typed configuration and validates it. */
    static GatewayConfig parse(JsonObject json) throws ConfigException {
        GatewayConfig config;
        try {
            config = JSON.readValue(json.encode(), GatewayConfig.class);
        } catch (JsonMappingException e) {
            String key = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            throw new ConfigException(List.of("key '" + key + "': " + e.getOriginalMessage().split("\n")[0]), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(List.of(e.getOriginalMessage()), e);
        }
        List<String> errors = config.validate();
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    /** The effective configuration as pretty JSON with secrets masked (for --print-config). */
    public static String printable(GatewayConfig config) {
        JsonObject json = JsonObject.mapFrom(JSON.convertValue(config, Map.class));
        JsonObject mqtt = json.getJsonObject("mqtt");
        if (mqtt.getString("password") != null) {
            mqtt.put("password", "***");
        }
        return json.encodePrettily();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
