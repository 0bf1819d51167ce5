package io.hastegw.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final List<String> MODEL = List.of("model.path=/m.onnx", "model.card=/m.json", "mqtt.host=127.0.0.1");
    private static Vertx vertx;

    @TempDir
    Path tmp;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    private static GatewayConfig load(Path file, Map<String, String> env, List<String> sets) throws Exception {
        try {
            return ConfigLoader.load(vertx, file, env, sets).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static List<String> with(String... more) {
        List<String> sets = new java.util.ArrayList<>(MODEL);
        sets.addAll(List.of(more));
        return sets;
    }

    @Test
    void aSetValueInBracketsOrBracesIsJsonAndAnyPluginSettingMayBeSet() throws Exception {
        GatewayConfig c = load(null, Map.of(), with("pipeline.post_processors=[\"top-k\", \"mapping\"]",
                "plugins.settings.my-plugin.enabled=true", "plugins.settings.my-plugin.config.cameras={\"porch\": \"http://cam/1.jpg\"}",
                "plugins.settings.my-plugin.config.interval_ms=500"));
        assertEquals(List.of("top-k", "mapping"), c.pipeline().postProcessors());
        assertEquals(new PluginsSection.PluginSettings(true, Map.of("cameras", Map.of("porch", "http://cam/1.jpg"), "interval_ms", 500)),
                c.plugins().settings().get("my-plugin"));
        assertEquals(Map.of("k", 3), c.plugins().settings().get("top-k").config(), "the embedded default");
    }

    @Test
    void theEmbeddedDefaultsAreDocumentedValues() throws Exception {
        GatewayConfig c = load(null, Map.of(), List.of("model.path=/m.onnx", "model.card=/m.json", "mqtt.embedded_broker_lib=/lib"));
        assertTrue(c.embeddedBroker());
        assertEquals("gateway", c.gatewayId());
        assertEquals(null, c.mqtt().host(), "no broker configured");
        assertEquals(1883, c.mqtt().port());
        assertEquals("haste/gateway/cameras/+/frames", c.frameFilter());
        assertEquals(true, c.mqtt().publishPredictions());
        assertEquals(0, c.mqtt().predictionQos());
        assertEquals(4 * 1024 * 1024, c.pipeline().maxPayloadBytes());
        assertEquals("drop_oldest", c.pipeline().dropPolicy());
        assertEquals(false, c.http().enabled());
        assertEquals("127.0.0.1", c.http().host());
    }

    @Test
    void aYamlFileThenEnvironmentThenFlagsWin() throws Exception {
        Path file = tmp.resolve("gw.yaml");
        Files.writeString(file, "gateway_id: from-file\nmqtt:\n  host: file-host\n  port: 1884\n");
        GatewayConfig c = load(file, Map.of("HASTE_GATEWAY_MQTT__PORT", "1885", "HASTE_GATEWAY_MQTT__HOST", "env-host", "PATH", "/bin"),
                with("mqtt.host=flag-host"));
        assertEquals("from-file", c.gatewayId());
        assertEquals(1885, c.mqtt().port());
        assertEquals("flag-host", c.mqtt().host());
    }

    @Test
    void aJsonFileIsReadToo() throws Exception {
        Path file = tmp.resolve("gw.json");
        Files.writeString(file, "{\"gateway_id\": \"json-gw\", \"pipeline\": {\"workers\": 3}}");
        GatewayConfig c = load(file, Map.of(), MODEL);
        assertEquals("json-gw", c.gatewayId());
        assertEquals(3, c.pipeline().workers());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pipeline.drop_policy=sometimes|invalid configuration: key 'pipeline.drop_policy' must be one of drop_oldest, drop_newest (got 'sometimes')",
        "mqtt.port=70000|invalid configuration: key 'mqtt.port' must be 1 to 65535 (got '70000')",
        "mqtt.frame_topic=cams/#|invalid configuration: key 'mqtt.frame_topic' must be a topic filter with exactly one '+' (the camera id), no '#', no $share prefix (got 'cams/#')",
        "gateway_id=has space|invalid configuration: key 'gateway_id' must be 1-64 characters of A-Z a-z 0-9 _ - (got 'has space')",
        "model.optimization=max|invalid configuration: key 'model.optimization' must be one of none, basic, extended, all (got 'max')",
        "mqtt.hots=x|invalid configuration: unknown key 'mqtt.hots' (from --set)",
        "mqtt.port=abc|invalid configuration: key 'mqtt.port': Cannot deserialize value of type `int` from String \"abc\": not a valid `int` value",
        "model.stream_reuse.refresh_every=0|invalid configuration: key 'model.stream_reuse.refresh_every' must be 1 to 100000 (got '0')",
        "model.stream_reuse.drift_threshold=3|invalid configuration: key 'model.stream_reuse.drift_threshold' must be 0 to 2 (got '3.0')",
        "model.stream_reuse.quiet_after_ms=0|invalid configuration: key 'model.stream_reuse.quiet_after_ms' must be 1 or more (got '0')",
        "model.stream_reuse.memory_budget_mb=0|invalid configuration: key 'model.stream_reuse.memory_budget_mb' must be 1 to 1048576 (got '0')",
        "control.mode=turbo|invalid configuration: key 'control.mode' must be one of auto, fixed, off (got 'turbo')",
        "control.policy=|invalid configuration: key 'control.policy' must be latency, cpu or the name of a plugin's compression policy (got nothing)",
        "control.max_level=-2|invalid configuration: key 'control.max_level' must be -1 (the model's highest) or at least control.min_level (got '-2')",
        "control.latency_target_ms=-1|invalid configuration: key 'control.latency_target_ms' must be 0 (derived at start) to 600000 (got '-1.0')",
        "control.cpu_budget_percent=0|invalid configuration: key 'control.cpu_budget_percent' must be 1 to 100 (got '0.0')",
        "control.sample_period_ms=10|invalid configuration: key 'control.sample_period_ms' must be 50 to 600000 (got '10')",
        "control.window_ms=100|invalid configuration: key 'control.window_ms' must be control.sample_period_ms to 3600000 (got '100')",
        "control.hysteresis=0.95|invalid configuration: key 'control.hysteresis' must be 0 to 0.9 (got '0.95')",
        "control.max_shed_every=0|invalid configuration: key 'control.max_shed_every' must be 1 to 100 (got '0')",
        "control.hmac_window_seconds=0|invalid configuration: key 'control.hmac_window_seconds' must be 1 to 3600 (got '0')",
        "energy.model=|invalid configuration: key 'energy.model' must be profile or the name of a plugin's energy model (got nothing)",
        "pipeline.preprocessor=|invalid configuration: key 'pipeline.preprocessor' must be card or the name of a plugin's preprocessor (got nothing)",
        "plugins.stage_timeout_ms=0|invalid configuration: key 'plugins.stage_timeout_ms' must be 1 to 600000 (got '0')",
        "plugins.max_failures=0|invalid configuration: key 'plugins.max_failures' must be 1 to 1000000 (got '0')",
        "plugins.max_overruns_per_minute=0|invalid configuration: key 'plugins.max_overruns_per_minute' must be 1 to 100000 (got '0')",
        "plugins.host.nice=20|invalid configuration: key 'plugins.host.nice' must be 0 to 19 (got '20')",
        "plugins.sink_queue=0|invalid configuration: key 'plugins.sink_queue' must be 1 to 1000000 (got '0')",
        "energy.meter=maybe|invalid configuration: key 'energy.meter' must be auto or none (got 'maybe')",
        "energy.summary_period_s=0|invalid configuration: key 'energy.summary_period_s' must be 1 to 86400 (got '0')",
        "mqtt.prediction_qos=2|invalid configuration: key 'mqtt.prediction_qos' must be 0 or 1 (got '2')",
        "plugins.settings.mqtt-sink.config.qos=1|invalid configuration: key 'plugins.settings.mqtt-sink' must be absent: the mqtt-sink plugin is gone, "
            + "the gateway publishes predictions itself (mqtt.publish_predictions, mqtt.prediction_qos) (got 'set')",
    })
    void aBadValueIsNamedWithItsAllowedValues(String set, String message) {
        Exception e = assertThrows(ConfigException.class, () -> load(null, Map.of(), with(set)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Exception e = assertThrows(ConfigException.class, () -> load(null, Map.of(), List.of("mqtt.qos=2")));
        assertTrue(e.getMessage().contains("key 'mqtt.qos' must be 0 or 1 (got '2')"), e.getMessage());
        assertTrue(e.getMessage().contains("key 'model.path' must be the ONNX model file (got nothing)"), e.getMessage());
        assertTrue(e.getMessage().contains("key 'model.card' must be the model card file (got nothing)"), e.getMessage());
    }

    @Test
    void anUnknownEnvironmentKeyIsNamed() {
        Exception e = assertThrows(ConfigException.class, () -> load(null, Map.of("HASTE_GATEWAY_MQTT__HOSTNAME", "x"), MODEL));
        assertEquals("invalid configuration: unknown key 'mqtt.hostname' (from environment variable HASTE_GATEWAY_MQTT__HOSTNAME)",
                e.getMessage());
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Path file = tmp.resolve("absent.yaml");
        Exception e = assertThrows(ConfigException.class, () -> load(file, Map.of(), MODEL));
        assertEquals("invalid configuration: config file " + file + " not found", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "deploy/package/src/deb/etc/config.yaml, gateway, haste/gateway/cameras/+/frames",
        "deploy/examples/single-board.yaml, pi-garage, haste/pi-garage/cameras/+/frames",
        "deploy/examples/fleet-member.yaml, fleet-gw-01, fleet/cameras/+/frames",
    })
    void aShippedConfigurationIsValid(String file, String gatewayId, String frameFilter) throws Exception {
        GatewayConfig c = load(Path.of("..").resolve(file), Map.of(), List.of());
        assertEquals(gatewayId, c.gatewayId());
        assertEquals(frameFilter, c.frameFilter());
    }

    @Test
    void printConfigMasksThePassword() throws Exception {
        String printed = ConfigLoader.printable(load(null, Map.of(), with("mqtt.username=cam", "mqtt.password=s3cret")));
        assertTrue(printed.contains("\"password\" : \"***\""), printed);
        assertTrue(printed.contains("\"username\" : \"cam\""), printed);
        assertTrue(!printed.contains("s3cret"), printed);
    }
}
