package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, faults: retained status, start-up errors, SIGTERM, broker restarts, floods, HTTP. */
@Tag("broker")
class GatewayLifecycleTest {
    @TempDir
    Path tmp;

    private record Start(int status, String err) {}

    private static Start start(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<RunningGateway> ref = new AtomicReference<>();
        String[] all = java.util.stream.Stream.concat(Stream.of("--set", "mqtt.host=127.0.0.1"), Arrays.stream(args)).toArray(String[]::new);
        int status = Main.start(all, Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true), ref);
        if (ref.get() != null) {
            ref.get().stop();
        }
        return new Start(status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theRetainedStatusIsOnlineWhileRunningAndOfflineAfterStop() throws Exception {
        GatewayFixture gateway = new GatewayFixture(TestModels.resnet20()).ready();
        String status = "haste/" + gateway.id + "/status";
        try (MqttTestClient client = new MqttTestClient(status)) {
            var msg = client.await(r -> true, 10);
            assertEquals("online", msg.json().get("state"));
            assertEquals(0, msg.json().get("level"));
            assertTrue(Json.validate("status", msg.payload()).isEmpty());
            gateway.running.stop();
            var offline = client.await(r -> r.payload().length > 0, 10);
            assertEquals("offline", offline.json().get("state"));
            assertEquals("shut down", offline.json().get("detail"));
            assertTrue(Json.validate("status", offline.payload()).isEmpty());
        } finally {
            MqttTestClient.clearRetained(gateway.id);
        }
    }

    @Test
    void aMissingModelEndsTheStartWithOneLine() {
        Path missing = tmp.resolve("absent.onnx");
        Start s = start("--set", "model.path=" + missing, "--set", "model.card=" + TestModels.resnet20Card());
        assertEquals(1, s.status());
        assertEquals("haste-gateway: " + missing + ": model file not found\n", s.err());
    }

    @Test
    void aCorruptModelEndsTheStartWithOneLine() throws Exception {
        Path corrupt = tmp.resolve("corrupt.onnx");
        byte[] bytes = Files.readAllBytes(TestModels.resnet20());
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        Start s = start("--set", "model.path=" + corrupt, "--set", "model.card=" + TestModels.resnet20Card());
        assertEquals(1, s.status());
        assertTrue(s.err().startsWith("haste-gateway: " + corrupt + ": "), s.err());
        assertTrue(s.err().contains("truncated"), s.err());
        assertEquals(1, s.err().lines().count(), s.err());
    }

    @Test
    void aLevelBeyondTheModelEndsTheStart() throws Exception {
        Start s = start("--set", "model.path=" + TestModels.hasteResNet20(), "--set", "model.card=" + TestModels.resnet20Card(),
                "--set", "model.level=12");
        assertEquals(1, s.status());
        assertEquals("haste-gateway: key 'model.level' must be 0 to 8 for " + TestModels.hasteResNet20() + " (got '12')\n", s.err());
    }

    @Test
    void sigtermStopsIntakePublishesOfflineAndExitsZero() throws Exception {
        try (ForkedGateway daemon = new ForkedGateway(tmp, "sig", List.of(), "model.path=" + TestModels.resnet20(),
                "model.card=" + TestModels.resnet20Card());
             MqttTestClient client = new MqttTestClient("haste/+/status")) {
            daemon.awaitOnline(client);
            try (MqttTestClient camera = new MqttTestClient("haste/" + daemon.id + "/cameras/+/predictions")) {
                camera.publish(daemon.frames("c"), Files.readAllBytes(TestModels.cifar("cat", 3)), null, "before", null);
                camera.await(r -> r.topic().endsWith("/predictions"), 20);
            }
            assertEquals(0, daemon.stop(), daemon.logText());
            var offline = client.await(r -> r.topic().equals("haste/" + daemon.id + "/status") && "offline".equals(r.json().get("state")), 10);
            assertEquals("shut down", offline.json().get("detail"));
        }
    }

    @Test
    void aGatewayThatDiesLeavesALastWillWithNothingThatGoesStale() throws Exception {
        try (ForkedGateway daemon = new ForkedGateway(tmp, "will", List.of(), "model.path=" + TestModels.resnet20(),
                "model.card=" + TestModels.resnet20Card(), "model.level=0");
             MqttTestClient client = new MqttTestClient("haste/+/status")) {
            daemon.awaitOnline(client);
            daemon.process.destroyForcibly().waitFor();
            var will = client.await(r -> r.topic().equals("haste/" + daemon.id + "/status") && "offline".equals(r.json().get("state")), 30);
            assertEquals("connection lost", will.json().get("detail"));
            // Published by the broker at an unknown later time: no timestamp, no level that could have changed since.
            assertTrue(will.json().containsKey("timestamp") && will.json().get("timestamp") == null, will.json().toString());
            assertTrue(will.json().containsKey("level") && will.json().get("level") == null, will.json().toString());
            assertEquals("resnet20-cifar10", will.json().get("model"));
            assertTrue(Json.validate("status", will.payload()).isEmpty());
        }
    }

    @Test
    void theGatewayReconnectsAndResubscribesAfterABrokerRestart() throws Exception {
        int port = LocalMosquitto.freePort();
        Process broker = mosquitto(port);
        GatewayFixture gateway = null;
        try {
            gateway = new GatewayFixture(TestModels.resnet20(), "mqtt.port=" + port, "mqtt.reconnect_min_ms=100",
                    "mqtt.reconnect_max_ms=500").ready();
            try (MqttTestClient client = new MqttTestClient("127.0.0.1", port, gateway.all())) {
                client.publish(gateway.frames("c"), Files.readAllBytes(TestModels.cifar("cat", 4)), null, "one", null);
                assertEquals("one", client.await(r -> r.topic().endsWith("/predictions"), 20).json().get("frame_id"));
            }
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
            broker = mosquitto(port);
            gateway.ready();
            assertTrue(gateway.running.gateway().mqtt().connects() >= 2);
            try (MqttTestClient client = new MqttTestClient("127.0.0.1", port, gateway.all())) {
                client.publish(gateway.frames("c"), Files.readAllBytes(TestModels.cifar("cat", 5)), null, "two", null);
                assertEquals("two", client.await(r -> r.topic().endsWith("/predictions"), 20).json().get("frame_id"));
            }
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            broker.destroyForcibly();
        }
    }

    @Test
    void withoutABrokerConfiguredTheEmbeddedBrokerCarriesTheFrames() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<RunningGateway> ref = new AtomicReference<>();
        String id = "emb" + UUID.randomUUID().toString().substring(0, 6);
        int status = Main.start(new String[] {"--set", "gateway_id=" + id, "--set", "model.path=" + TestModels.resnet20(),
            "--set", "model.card=" + TestModels.resnet20Card(), "--set", "mqtt.embedded_broker_lib=" + System.getProperty("haste.embedded.broker.lib")},
                Map.of(), System.out, new PrintStream(err, true), ref);
        assertEquals(-1, status, err.toString(StandardCharsets.UTF_8));
        RunningGateway running = ref.get();
        try {
            int port = running.config().mqtt().port();
            assertTrue(port != 1883, "a free port, not the shared broker's");
            for (int i = 0; i < 200 && !running.gateway().mqtt().isReady(); i++) {
                Thread.sleep(25);
            }
            try (MqttTestClient client = new MqttTestClient("127.0.0.1", port, "haste/" + id + "/#")) {
                client.publish("haste/" + id + "/cameras/e/frames", Files.readAllBytes(TestModels.cifar("frog", 8)), null, "emb-1", null);
                var p = client.await(r -> r.topic().endsWith("/predictions"), 20);
                assertEquals("emb-1", p.json().get("frame_id"));
                assertTrue(Json.validate("prediction", p.payload()).isEmpty());
            }
        } finally {
            running.stop();
        }
    }

    @Test
    void withoutABrokerOrEmbeddedBrokerTheStartNamesBothKeys() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.start(new String[] {"--set", "model.path=" + TestModels.resnet20(), "--set", "model.card=" + TestModels.resnet20Card()},
                Map.of(), System.out, new PrintStream(err, true), new AtomicReference<>());
        assertEquals(1, status);
        assertEquals("haste-gateway: invalid configuration: key 'mqtt.embedded_broker_lib' must be the embedded broker's jar folder when "
                + "mqtt.host is not set (or set mqtt.host) (got nothing)\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aGatewayStartedBeforeItsBrokerConnectsOnceTheBrokerIsUp() throws Exception {
        int port = LocalMosquitto.freePort();
        try (GatewayFixture gateway = new GatewayFixture(TestModels.resnet20(), "mqtt.port=" + port, "mqtt.reconnect_min_ms=100",
                "mqtt.reconnect_max_ms=300")) {
            Thread.sleep(700);
            assertEquals(0, gateway.running.gateway().mqtt().connects(), "no broker yet");
            Process broker = mosquitto(port);
            try {
                gateway.ready();
                try (MqttTestClient client = new MqttTestClient("127.0.0.1", port, gateway.all())) {
                    client.publish(gateway.frames("late"), Files.readAllBytes(TestModels.cifar("dog", 2)), null, "late-1", null);
                    assertEquals("late-1", client.await(r -> r.topic().endsWith("/predictions"), 20).json().get("frame_id"));
                }
            } finally {
                broker.destroyForcibly();
            }
        }
    }

    @Test
    void aClientSendingANonUtf8TopicIsCutOffByTheBrokerAndTheGatewayGoesOn() throws Exception {
        try (GatewayFixture gateway = new GatewayFixture(TestModels.resnet20()).ready();
             MqttTestClient client = new MqttTestClient(gateway.all())) {
            byte[] prefix = ("haste/" + gateway.id + "/cameras/").getBytes(StandardCharsets.UTF_8);
            byte[] topic = java.util.Arrays.copyOf(prefix, prefix.length + 2 + 7);
            topic[prefix.length] = (byte) 0xC3;
            topic[prefix.length + 1] = (byte) 0x28;
            System.arraycopy("/frames".getBytes(StandardCharsets.UTF_8), 0, topic, prefix.length + 2, 7);
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", 1883)) {
                var out = raw.getOutputStream();
                byte[] clientId = ("raw" + UUID.randomUUID().toString().substring(0, 8)).getBytes(StandardCharsets.UTF_8);
                java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
                connect.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 30, 0, (byte) clientId.length});
                connect.write(clientId);
                out.write(0x10);
                out.write(connect.size());
                connect.writeTo(out);
                raw.getInputStream().readNBytes(4);
                out.write(0x30);
                out.write(2 + topic.length + 3);
                out.write(new byte[] {0, (byte) topic.length});
                out.write(topic);
                out.write(new byte[] {'b', 'a', 'd'});
                out.flush();
                raw.setSoTimeout(5000);
                assertEquals(-1, raw.getInputStream().read(), "Mosquitto closes a connection that sends a non-UTF-8 topic");
            }
            client.publish(gateway.frames("after"), Files.readAllBytes(TestModels.cifar("cat", 9)), null, "after-1", null);
            assertEquals("after-1", client.await(r -> r.topic().endsWith("/predictions"), 20).json().get("frame_id"));
        }
    }

    @Test
    void aFloodIsDroppedAndCountedNotQueuedWithoutBound() throws Exception {
        GatewayFixture gateway = new GatewayFixture(TestModels.hasteResNet20(), "model.level=5", "pipeline.queue_per_camera=2",
                "pipeline.max_in_flight=1").ready();
        try (MqttTestClient client = new MqttTestClient(gateway.all())) {
            byte[] jpeg = Files.readAllBytes(TestModels.cifar("horse", 2));
            int sent = 200;
            for (int i = 0; i < sent; i++) {
                client.fire(gateway.frames("flood"), jpeg);
            }
            var metrics = gateway.running.gateway().metrics();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (metrics.total("haste_frames_processed") + metrics.total("haste_frames_dropped") < sent && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double processed = metrics.total("haste_frames_processed");
            double dropped = metrics.total("haste_frames_dropped");
            assertEquals(sent, metrics.total("haste_frames_received"));
            assertEquals(sent, processed + dropped, "every frame is either processed or counted as dropped");
            assertTrue(dropped > 0, "a flood at QoS 0 against one worker must drop frames");
            assertTrue(gateway.running.gateway().status().toCompletionStage().toCompletableFuture().get().queued() <= 2);
        } finally {
            gateway.close();
        }
    }

    @Test
    void healthMetricsAndStatusAreServedOverHttp() throws Exception {
        int port = LocalMosquitto.freePort();
        GatewayFixture gateway = new GatewayFixture(TestModels.resnet20(), "http.enabled=true", "http.port=" + port).ready();
        try (MqttTestClient client = new MqttTestClient(gateway.all())) {
            client.publish(gateway.frames("h"), Files.readAllBytes(TestModels.cifar("deer", 1)), null, "h1", null);
            client.await(r -> r.topic().endsWith("/predictions"), 20);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals(true, Json.parse(health.body().getBytes(StandardCharsets.UTF_8)).get("broker_connected"));
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("haste_frames_received_total{camera=\"h\"} 1.0"), metrics);
            assertTrue(metrics.contains("haste_compression_level 0.0"), metrics);
            assertTrue(metrics.contains("haste_inference_seconds_bucket"), metrics);
            var status = Json.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().getBytes(StandardCharsets.UTF_8));
            assertEquals("resnet20-cifar10", status.get("model"));
        } finally {
            gateway.close();
        }
    }


    /** A private Mosquitto on {@code port}, so that stopping it does not disturb the shared broker. */
    private Process mosquitto(int port) throws Exception {
        Path conf = tmp.resolve("mosquitto-" + port + ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process p = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto-" + port + ".log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not start on port " + port);
    }
}
