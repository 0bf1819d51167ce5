package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT 5 shared subscriptions, credentials and TLS with client certificates, on real Mosquitto brokers. */
@Tag("broker")
class BrokerFeaturesTest {
    @TempDir
    Path tmp;

    @Test
    void twoGatewaysInOneSharedGroupSplitTheFramesAndEachFrameIsPredictedOnce() throws Exception {
        String fleet = "fleet" + UUID.randomUUID().toString().substring(0, 6);
        String[] sets = {"mqtt.frame_topic=" + fleet + "/cameras/+/frames", "mqtt.shared_group=g" + fleet, "pipeline.queue_per_camera=32"};
        try (GatewayFixture a = new GatewayFixture(TestModels.resnet20(), sets).ready();
             GatewayFixture b = new GatewayFixture(TestModels.resnet20(), sets).ready();
             MqttTestClient client = new MqttTestClient("haste/+/cameras/+/predictions")) {
            byte[] jpeg = Files.readAllBytes(TestModels.cifar("bird", 5));
            int frames = 20;
            for (int i = 0; i < frames; i++) {
                client.publish(fleet + "/cameras/cam" + (i % 4) + "/frames", jpeg, null, "s" + i, null);
            }
            Map<String, Integer> perGateway = new HashMap<>();
            Set<Object> ids = new HashSet<>();
            for (int i = 0; i < frames; i++) {
                MqttTestClient.Received p;
                try {
                    p = client.await(r -> r.topic().startsWith("haste/" + a.id + "/") || r.topic().startsWith("haste/" + b.id + "/"), 30);
                } catch (AssertionError e) {
                    throw new AssertionError("after " + i + " predictions; received a=" + a.running.gateway().metrics().total("haste_frames_received")
                            + " b=" + b.running.gateway().metrics().total("haste_frames_received") + " errors a="
                            + a.running.gateway().metrics().total("haste_frame_errors") + " drained=" + client.drain().size(), e);
                }
                assertTrue(ids.add(p.json().get("frame_id")), "frame predicted twice: " + p.json().get("frame_id"));
                perGateway.merge((String) p.json().get("gateway_id"), 1, Integer::sum);
            }
            assertEquals(frames, ids.size());
            assertEquals(Set.of(a.id, b.id), perGateway.keySet(), "both members of the group get frames: " + perGateway);
            Thread.sleep(500);
            assertTrue(client.drain().stream().noneMatch(r -> r.topic().contains(a.id) || r.topic().contains(b.id)), "no duplicates later");
        }
    }

    @Test
    void theExampleAclGivesEachGatewayItsOwnTopicsAndNothingOfAnother() throws Exception {
        Path examples = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("deploy/examples/mosquitto");
        assertTrue(Files.readAllLines(examples.resolve("haste.conf")).contains("use_username_as_clientid true"));
        String gw = "acl" + UUID.randomUUID().toString().substring(0, 6);
        String other = "acl" + UUID.randomUUID().toString().substring(0, 6);
        run("mosquitto_passwd", "-b", "-c", "acl.passwd", gw, "pw");
        for (String user : List.of(other, "cam1", "operator")) {
            run("mosquitto_passwd", "-b", "acl.passwd", user, "pw");
        }
        int port = LocalMosquitto.freePort();
        Path conf = tmp.resolve("acl.conf");
        // The example's access settings (haste.conf without its TLS listener), with the example ACL file itself.
        Files.writeString(conf, String.join("\n", "per_listener_settings false", "user root", "persistence false", "allow_anonymous false",
                "password_file " + tmp.resolve("acl.passwd"), "acl_file " + examples.resolve("haste.acl"),
                "listener " + port + " 127.0.0.1", "use_username_as_clientid true", ""));
        Process broker = mosquitto(conf, port);
        try (GatewayFixture gateway = new GatewayFixture(TestModels.resnet20(), "gateway_id=" + gw, "mqtt.port=" + port,
                "mqtt.username=" + gw, "mqtt.password=pw").ready();
             MqttTestClient operator = new MqttTestClient(port, "operator", "pw", "op-1", "haste/#");
             MqttTestClient camera = new MqttTestClient(port, "cam1", "pw", "cam1", null);
             MqttTestClient intruder = new MqttTestClient(port, other, "pw", other, null)) {
            // The gateway may write its retained level state (the old example forgot it).
            operator.await(r -> r.topic().equals("haste/" + gw + "/control/level/state"), 10);
            camera.publish("haste/" + gw + "/cameras/cam1/frames", Files.readAllBytes(TestModels.cifar("cat", 2)), null, "acl-1", null);
            assertEquals("acl-1", operator.await(r -> r.topic().equals("haste/" + gw + "/cameras/cam1/predictions"), 20).json().get("frame_id"));
            assertEquals(0x87, camera.publishForReason("haste/" + gw + "/cameras/cam2/frames", new byte[1]), "a camera sends as itself only");
            assertEquals(0x87, intruder.publishForReason("haste/" + gw + "/cameras/cam1/predictions", new byte[1]), "no gateway writes another's");
            assertEquals(0x87, intruder.publishForReason("haste/" + gw + "/control/level/set", "0".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0x87, camera.publishForReason("haste/" + gw + "/control/level/set", "0".getBytes(StandardCharsets.UTF_8)));
            MqttProperties request = new MqttProperties();
            request.setResponseTopic("haste/" + gw + "/replies/op-1");
            operator.publish("haste/" + gw + "/control/level/set", new MqttMessage("0".getBytes(StandardCharsets.UTF_8), 1, false, request));
            var reply = operator.await(r -> r.topic().equals("haste/" + gw + "/replies/op-1"), 10).json();
            assertEquals(List.of("haste.level/1", 0), List.of(reply.get("schema"), reply.get("level")), reply.toString());
            // Another user connecting with the gateway's client id gets its own user name as id: the gateway stays connected.
            try (MqttTestClient impostor = new MqttTestClient(port, other, "pw", "haste-" + gw, null)) {
                Thread.sleep(500);
                assertTrue(gateway.running.gateway().mqtt().isReady());
                assertEquals(1, gateway.running.gateway().mqtt().connects());
            }
        } finally {
            broker.destroyForcibly().waitFor();
        }
    }

    @Test
    void tlsWithAClientCertificateAndCredentialsConnects() throws Exception {
        Broker broker = tlsBroker();
        try (GatewayFixture gateway = new GatewayFixture(TestModels.resnet20(), tlsSets(broker, "s3cret")).ready();
             MqttTestClient client = new MqttTestClient("127.0.0.1", broker.plainPort, gateway.all())) {
            client.publish(gateway.frames("tls"), Files.readAllBytes(TestModels.cifar("truck", 6)), null, "over-tls", null);
            var p = client.await(r -> r.topic().endsWith("/predictions"), 20);
            assertEquals("over-tls", p.json().get("frame_id"));
        } finally {
            broker.process.destroyForcibly();
        }
    }

    @Test
    void aWrongPasswordKeepsTheGatewayRetryingWithoutCrashing() throws Exception {
        Broker broker = tlsBroker();
        try (GatewayFixture gateway = new GatewayFixture(TestModels.resnet20(), tlsSets(broker, "wrong"))) {
            Thread.sleep(1500);
            assertFalse(gateway.running.gateway().mqtt().isReady());
            assertEquals(0, gateway.running.gateway().mqtt().connects());
        } finally {
            broker.process.destroyForcibly();
        }
    }

    private String[] tlsSets(Broker broker, String password) {
        return new String[] {"mqtt.port=" + broker.tlsPort, "mqtt.tls.enabled=true", "mqtt.tls.ca_file=" + tmp.resolve("ca.crt"),
            "mqtt.tls.cert_file=" + tmp.resolve("client.crt"), "mqtt.tls.key_file=" + tmp.resolve("client.key"),
            "mqtt.username=gateway", "mqtt.password=" + password, "mqtt.reconnect_min_ms=200", "mqtt.reconnect_max_ms=400"};
    }

    private record Broker(Process process, int plainPort, int tlsPort) {}

    /** Mosquitto with a plain anonymous listener (for the test client) and a TLS listener requiring a client certificate and a password. */
    private Broker tlsBroker() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=haste-test-ca",
                "-keyout", "ca.key", "-out", "ca.crt");
        for (String name : List.of("server", "client")) {
            run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + (name.equals("server") ? "127.0.0.1" : "gateway"),
                    "-keyout", name + ".key", "-out", name + ".csr");
            Files.writeString(tmp.resolve(name + ".ext"), name.equals("server") ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
            run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                    "-extfile", name + ".ext", "-out", name + ".crt");
        }
        run("mosquitto_passwd", "-b", "-c", "passwd", "gateway", "s3cret");
        int plain = LocalMosquitto.freePort();
        int tls = LocalMosquitto.freePort();
        Path conf = tmp.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "per_listener_settings true",
                "user root",
                "persistence false",
                "listener " + plain + " 127.0.0.1",
                "allow_anonymous true",
                "listener " + tls + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + tmp.resolve("passwd"),
                "cafile " + tmp.resolve("ca.crt"),
                "certfile " + tmp.resolve("server.crt"),
                "keyfile " + tmp.resolve("server.key"),
                "require_certificate true", ""));
        return new Broker(mosquitto(conf, tls), plain, tls);
    }

    private Process mosquitto(Path conf, int port) throws Exception {
        return LocalMosquitto.start(conf, port, tmp.resolve("mosquitto.log"));
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

}
