package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT 5 shared subscriptions, credentials and TLS with client certificates, on real Mosquitto brokers. */
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
        int plain = freePort();
        int tls = freePort();
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
        Process p = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", tls)) {
                return new Broker(p, plain, tls);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not start: " + Files.readString(tmp.resolve("mosquitto.log")));
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
