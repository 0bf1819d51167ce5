package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.pipeline.GatewayStatus;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast tier: the whole gateway (real model, real plugins, real images) in-process, its broker
 * connection replaced by {@link InProcessBroker}; no Mosquitto. What the core publishes is checked
 * message by message.
 */
class PipelineInProcessTest {
    private RunningGateway running;
    private final InProcessBroker broker = new InProcessBroker();

    private void start(String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("gateway_id=inproc", "mqtt.host=no-broker.invalid", "model.path=" + TestModels.resnet20(),
                "model.card=" + TestModels.resnet20Card(), "model.cost_plan=false", "control.mode=fixed"));
        all.addAll(List.of(sets));
        Vertx vertx = Vertx.vertx();
        GatewayConfig config = ConfigLoader.load(vertx, null, Map.of(), all).toCompletionStage().toCompletableFuture().get();
        running = GatewayLauncher.launch(vertx, config, Map.of(), (c, topics, will) -> broker);
        running.gateway().ready().toCompletionStage().toCompletableFuture().get();
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop();
        }
    }

    @Test
    void aFrameBecomesOnePredictionMessageWithoutABroker() throws Exception {
        start();
        assertEquals(List.of("haste/inproc/cameras/+/frames", "haste/inproc/control/+/set", "haste/inproc/control/set",
                "haste/inproc/control/get"), broker.subscriptions().stream().map(s -> s.filter()).toList());
        OutgoingMessage status = broker.await(m -> m.topic().equals("haste/inproc/status"));
        assertTrue(status.retained());
        assertEquals("online", Json.parse(status.payload()).get("state"));

        broker.send("haste/inproc/cameras/cam1/frames", Files.readAllBytes(TestModels.cifar("cat", 0)), "image/jpeg", Map.of("frame_id", "f-1"));
        OutgoingMessage prediction = broker.await(m -> m.topic().equals("haste/inproc/cameras/cam1/predictions"));
        assertEquals("application/json", prediction.contentType());
        assertEquals(0, prediction.qos());
        assertFalse(prediction.retained());
        assertEquals(Map.of("frame_id", "f-1"), prediction.userProperties());
        Map<String, Object> json = Json.parse(prediction.payload());
        assertEquals("haste.prediction/3", json.get("schema"));
        assertEquals("f-1", json.get("frame_id"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> top = (List<Map<String, Object>>) json.get("top");
        assertEquals("cat", top.get(0).get("label"));
        assertTrue(Json.validate("prediction", prediction.payload()).isEmpty());
    }

    @Test
    void aBrokenFrameGetsItsErrorEventOnTheErrorsTopic() throws Exception {
        start();
        broker.send("haste/inproc/cameras/cam2/frames", "not an image".getBytes(StandardCharsets.UTF_8), "image/jpeg", Map.of("frame_id", "bad"));
        OutgoingMessage error = broker.await(m -> m.topic().equals("haste/inproc/errors"));
        Map<String, Object> json = Json.parse(error.payload());
        assertEquals("malformed_image", json.get("reason"));
        assertEquals("cam2", json.get("camera_id"));
        assertEquals("bad", json.get("frame_id"));
    }

    @Test
    void withPublishingOffTheCorePublishesNoPredictionAndTheQosIsConfigurable() throws Exception {
        start("mqtt.publish_predictions=false");
        broker.send("haste/inproc/cameras/cam3/frames", Files.readAllBytes(TestModels.cifar("dog", 1)), "image/jpeg", Map.of());
        assertFalse(broker.anyOn("haste/inproc/cameras/cam3/predictions", 3000));
    }

    @Test
    void moreCamerasThanSlotsTakeTurnsAndEveryCameraIsCounted() throws Exception {
        // 6 cameras, room for 2 to wait, 1 worker: every round the same cameras come first, as in a real fleet.
        start("pipeline.max_cameras=2", "pipeline.workers=1", "pipeline.max_in_flight=1");
        byte[] jpeg = Files.readAllBytes(TestModels.cifar("cat", 3));
        java.util.Map<String, Integer> predicted = new java.util.TreeMap<>();
        for (int round = 0; round < 6; round++) {
            for (int c = 0; c < 6; c++) {
                broker.send("haste/inproc/cameras/cam" + c + "/frames", jpeg, "image/jpeg", Map.of("frame_id", round + "-" + c));
            }
            for (int i = 0; i < 400; i++) {
                GatewayStatus now = running.gateway().status().toCompletionStage().toCompletableFuture().get();
                if (now.queued() == 0 && now.inFlight() == 0) {
                    break;
                }
                Thread.sleep(10);
            }
            for (OutgoingMessage m : broker.drain()) {
                if (m.topic().endsWith("/predictions")) {
                    predicted.merge(m.topic().split("/")[3], 1, Integer::sum);
                }
            }
        }
        assertEquals(List.of("cam0", "cam1", "cam2", "cam3", "cam4", "cam5"), List.copyOf(predicted.keySet()),
                "no camera starved in every round: " + predicted);
        var metrics = running.gateway().metrics();
        java.util.Set<String> listed = new java.util.TreeSet<>(metrics.perCamera("haste_frames_processed").keySet());
        listed.addAll(metrics.perCamera("haste_frames_dropped").keySet());
        assertEquals(predicted.keySet(), listed, "every camera that sent a frame is counted (what the console lists)");
        double answered = metrics.total("haste_frames_processed") + metrics.total("haste_frames_dropped");
        assertEquals(36.0, answered, "every frame predicted or counted as dropped");
    }

    @Test
    void predictionsGoOutAtTheConfiguredQos() throws Exception {
        start("mqtt.prediction_qos=1");
        broker.send("haste/inproc/cameras/cam4/frames", Files.readAllBytes(TestModels.cifar("ship", 2)), "image/jpeg", Map.of());
        assertEquals(1, broker.await(m -> m.topic().equals("haste/inproc/cameras/cam4/predictions")).qos());
    }
}
