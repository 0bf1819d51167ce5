package io.hastegw.daemon.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.plugins.policies.LatencyTargetPolicy;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control protocol in process, without a broker: a command goes in, its reply comes out, and
 * what it did to the control (or the refusal it reported) is checked directly.
 */
class ControlRequestHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Vertx vertx;
    private static GatewayConfig config;
    private Topics topics;
    private ControlPlane plane;
    private final List<String> refusals = new ArrayList<>();
    private ControlRequestHandler handler;

    @BeforeAll
    static void load() throws Exception {
        vertx = Vertx.vertx();
        config = ConfigLoader.load(vertx, null, Map.of(), List.of("gateway_id=t", "model.path=/m.onnx", "model.card=/m.json",
                "mqtt.host=127.0.0.1")).toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    @BeforeEach
    void handler() throws Exception {
        topics = new Topics(config);
        plane = ControlPlane.create(config.control(), 0, new ModelTiming(8, new double[0], 10.0), Map.of(),
                Map.of("latency", targets -> new LatencyTargetPolicy(targets.latencyTargetMs(), targets.hysteresis())), System.nanoTime());
        handler = new ControlRequestHandler(topics, new Messages("t"), plane, "m", new ControlRequestHandler.Effects() {
            @Override
            public byte[] refused(String message, String source) {
                refusals.add(source + ": " + message);
                return ("error: " + message).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public void apply(ControlSettings settings, String source) {
                plane.control().apply(settings, System.nanoTime());
            }
        });
    }

    private static IncomingMessage command(String topic, String payload, String responseTopic, byte[] correlation, boolean retained) {
        return new IncomingMessage(topic, payload.getBytes(StandardCharsets.UTF_8), null, correlation, Map.of(), responseTopic, retained, 0);
    }

    private static JsonNode json(OutgoingMessage m) throws Exception {
        return JSON.readTree(m.payload());
    }

    @Test
    void aV1LevelIsAppliedAndAnsweredOnTheResponseTopicWithTheCorrelationData() throws Exception {
        byte[] correlation = {7, 1};
        Optional<OutgoingMessage> reply = handler.handle(command(topics.levelSet(), "3", "haste/t/replies/op", correlation, false));
        assertEquals(3, plane.control().getAsInt());
        assertEquals("haste/t/replies/op", reply.orElseThrow().topic());
        assertArrayEquals(correlation, reply.get().correlationData());
        assertEquals(OutgoingMessage.JSON, reply.get().contentType());
        assertEquals(3, json(reply.get()).get("level").asInt());
        assertEquals(8, json(reply.get()).get("levels").asInt());
        assertTrue(refusals.isEmpty(), refusals.toString());
    }

    @Test
    void aV1CommandWithoutAResponseTopicHasNoReply() {
        assertEquals(Optional.empty(), handler.handle(command(topics.levelSet(), "{\"level\": 2}", null, null, false)));
        assertEquals(2, plane.control().getAsInt());
    }

    @Test
    void anInvalidLevelIsRefusedAndChangesNothing() {
        assertEquals(Optional.empty(), handler.handle(command(topics.levelSet(), "nine", null, null, false)));
        assertEquals(0, plane.control().getAsInt());
        assertEquals(List.of(topics.levelSet() + ": level 'nine' refused: send a whole number from 0 (dense) to 7, or {\"level\": n}"),
                refusals);
    }

    @Test
    void aV2SetIsAcknowledgedOnTheAckTopicWhenThereIsNoResponseTopic() throws Exception {
        OutgoingMessage ack = handler.handle(command(topics.controlSet(), "{\"mode\": \"fixed\", \"level\": 5}", null, null, false)).orElseThrow();
        assertEquals(topics.controlAck(), ack.topic());
        assertNull(ack.correlationData());
        assertTrue(json(ack).get("accepted").asBoolean());
        assertEquals("set", json(ack).get("command").asText());
        assertEquals(5, plane.control().getAsInt());
    }

    @Test
    void aRetainedCommandIsRefusedWithItsReasonAndNeverApplied() throws Exception {
        OutgoingMessage ack = handler.handle(command(topics.controlSet(), "{\"mode\": \"fixed\", \"level\": 5}", null, null, true)).orElseThrow();
        assertEquals(0, plane.control().getAsInt());
        assertTrue(!json(ack).get("accepted").asBoolean());
        String reason = json(ack).get("errors").get(0).asText();
        assertTrue(reason.startsWith("control command published with the retain flag refused"), reason);
        assertEquals(List.of(topics.controlSet() + ": " + reason), refusals);
    }

    @Test
    void aResponseTopicOutsideTheReplyPrefixIsRefusedAndTheCommandIgnored() {
        assertEquals(Optional.empty(), handler.handle(command(topics.levelSet(), "4", "elsewhere/x", null, false)));
        assertEquals(0, plane.control().getAsInt());
        assertEquals(List.of(topics.levelSet() + ": response topic 'elsewhere/x' refused: answers go only to topics under haste/t/replies/ "
                + "(mqtt.reply_topic_prefix)"), refusals);
    }

    @Test
    void anUnknownCommandTopicIsRefusedNamingTheKnownOnes() {
        String topic = "haste/t/control/speed/set";
        assertEquals(Optional.empty(), handler.handle(command(topic, "1", null, null, false)));
        assertEquals(List.of(topic + ": unknown command topic '" + topic + "'; known: " + topics.controlSet() + ", " + topics.controlGet()
                + ", " + topics.levelSet()), refusals);
    }

    @Test
    void aBinaryKeyFileIsReadAndCommandsSignedWithItsBytesPass(@TempDir Path dir) throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        key[0] = (byte) 0xff; // never valid UTF-8
        Path file = Files.write(dir.resolve("control.key"), key);
        GatewayConfig signed = ConfigLoader.load(vertx, null, Map.of(), List.of("gateway_id=t", "model.path=/m.onnx", "model.card=/m.json",
                "mqtt.host=127.0.0.1", "control.hmac_key_file=" + file)).toCompletionStage().toCompletableFuture().get();
        ControlPlane withKey = ControlPlane.create(signed.control(), 0, new ModelTiming(8, new double[0], 10.0), Map.of(),
                Map.of("latency", targets -> new LatencyTargetPolicy(targets.latencyTargetMs(), targets.hysteresis())), System.nanoTime());
        long now = System.currentTimeMillis();
        byte[] payload = "{\"level\": 2}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> properties = Map.of(CommandAuth.TIMESTAMP, Long.toString(now), CommandAuth.NONCE, "binary-key-1",
                CommandAuth.MAC, CommandAuth.sign(key, topics.levelSet(), now, "binary-key-1", payload));
        assertEquals(Optional.empty(), withKey.auth().orElseThrow().refusal(topics.levelSet(), payload, properties, now));
    }

    @Test
    void getAnswersWithTheStateAndChangesNothing() throws Exception {
        OutgoingMessage ack = handler.handle(command(topics.controlGet(), "", "haste/t/replies/g", null, false)).orElseThrow();
        assertEquals("haste/t/replies/g", ack.topic());
        assertTrue(json(ack).get("accepted").asBoolean());
        assertEquals(0, json(ack).get("state").get("level").asInt());
    }
}
