package io.hastegw.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.LocalHttp;
import io.hastegw.daemon.LocalMosquitto;
import io.hastegw.daemon.TestImages;
import io.hastegw.daemon.mqtt.MessageCallback;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Hostile-client soak (not a test; benchmarks/hostile-soak.sh): starts a Mosquitto of its own on a
 * free loopback port and the gateway (the shaded jar, the systemd unit's JVM flags, its default
 * pipeline) on it, measures a well-behaved camera (10 JPEG frames/s) alone, then again while
 * hostile clients replay every attack of the hardening issue plus a garbage mix for a bounded
 * time, and prints one table: payloads sent and answered per kind, crashes, RSS before and after,
 * /metrics size, and the well-behaved camera's p95 with and without the hostile load.
 */
public final class HostileSoak {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GOOD_FPS = 10;

    private final String id = "soak" + UUID.randomUUID().toString().substring(0, 6);
    private final int brokerPort;
    private final Map<String, Long> goodSent = new ConcurrentHashMap<>();
    private final Map<String, Long> goodAnswered = new ConcurrentHashMap<>();
    /** Per attack kind: payloads sent, and the frame ids or commands still waiting for their answer. */
    private final Map<String, AtomicInteger> sent = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final Map<String, String> kindOfFrame = new ConcurrentHashMap<>();
    private final AtomicInteger controlRefusals = new AtomicInteger();
    private final AtomicInteger retainRefusals = new AtomicInteger();
    /** The cameras that got at least one prediction (the 200-camera rotation). */
    private final java.util.Set<String> predictedCameras = ConcurrentHashMap.newKeySet();
    private final Random random = new Random(7);

    private HostileSoak(int brokerPort) {
        this.brokerPort = brokerPort;
    }

    /** {@code --jar JAR --shared DIR --seconds S}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path shared = Path.of(a.getOrDefault("shared", "../shared"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "60"));
        Path tmp = Files.createTempDirectory("haste-soak");
        int port = LocalMosquitto.freePort();
        Path conf = tmp.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process broker = LocalMosquitto.start(conf, port, tmp.resolve("mosquitto.log"));
        Process gateway = null;
        int status = 0;
        try {
            HostileSoak soak = new HostileSoak(port);
            gateway = soak.startGateway(Path.of(a.get("jar")), shared, tmp);
            soak.run(gateway, shared, seconds);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        } finally {
            if (gateway != null) {
                gateway.destroy();
                gateway.waitFor(20, TimeUnit.SECONDS);
            }
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.exit(status); // Paho's reconnect threads would keep the JVM alive
    }

    private Process startGateway(Path jar, Path shared, Path tmp) throws IOException {
        Path models = shared.resolve("models/cifar10-resnet-akamaster");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The systemd unit's JAVA_OPTS (its tmpdir moved into this soak's folder).
        cmd.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + tmp));
        String extra = System.getenv().getOrDefault("SOAK_GATEWAY_JVM_FLAGS", "");
        if (!extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        for (String set : List.of("gateway_id=" + id, "mqtt.host=127.0.0.1", "mqtt.port=" + brokerPort, "model.path=" + models.resolve("resnet20.onnx"),
                "model.card=" + models.resolve("resnet20.json"), "model.cost_cache=" + tmp.resolve("cost"), "http.enabled=true",
                "http.port=" + LocalMosquitto.freePort())) {
            cmd.addAll(List.of("--set", set));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.log").toFile());
        builder.environment().put("TMPDIR", tmp.toString());
        return builder.start();
    }

    private MqttAsyncClient client(String clientId, MessageCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + brokerPort, clientId, new MemoryPersistence());
        if (callback != null) {
            c.setCallback(callback);
        }
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setReceiveMaximum(65535);
        o.setAutomaticReconnect(true);
        c.connect(o).waitForCompletion(5000);
        return c;
    }

    private void onMessage(String topic, MqttMessage m) throws IOException {
        long now = System.nanoTime();
        if (m.getPayload().length == 0) {
            return;
        }
        JsonNode json = JSON.readTree(m.getPayload());
        String frameId = json.path("frame_id").asText(null);
        if (topic.endsWith("/predictions")) {
            predictedCameras.add(topic.split("/")[3]);
        }
        if (topic.endsWith("/predictions") || topic.endsWith("/errors")) {
            if (frameId != null && goodSent.containsKey(frameId)) {
                goodAnswered.put(frameId, now);
            } else if (frameId != null && kindOfFrame.containsKey(frameId)) {
                answered.computeIfAbsent(kindOfFrame.remove(frameId), k -> new AtomicInteger()).incrementAndGet();
            } else if ("invalid_command".equals(json.path("reason").asText())) {
                if (json.path("message").asText().contains("retain flag")) {
                    retainRefusals.incrementAndGet();
                } else {
                    controlRefusals.incrementAndGet();
                }
            }
        }
    }

    private void run(Process gateway, Path shared, int seconds) throws Exception {
        byte[] jpeg = Files.readAllBytes(shared.resolve("data/cifar10-jpeg/test/cat/0001.jpg"));
        MqttAsyncClient observer = client("soak-observer", this::onMessage);
        // Answers only: the hostile frames themselves (48 MiB, 65,506-character topics) are not the observer's to receive.
        observer.subscribe(new String[] {"haste/" + id + "/cameras/+/predictions", "haste/" + id + "/errors"}, new int[] {1, 1})
                .waitForCompletion(5000);
        MqttAsyncClient good = client("soak-good", null);
        MqttAsyncClient hostile = client("soak-hostile", null);
        waitOnline(gateway);
        int httpPort = httpPort(gateway);
        Attacks attacks = new Attacks(jpeg);

        goodCamera(good, jpeg, 5, "warm");
        long rssBefore = rssKiB(gateway.pid());
        int metricsBefore = scrape(httpPort).length();
        double[] alone = goodCamera(good, jpeg, Math.max(10, seconds / 3), "alone");

        double[] oneHugeCamera = underAttack(good, jpeg, seconds / 2, () -> attacks.cameras(hostile, seconds / 2, false));
        double[] cameraAttacks = underAttack(good, jpeg, seconds, () -> attacks.cameras(hostile, seconds, true));
        double[] protocolAttacks = underAttack(good, jpeg, seconds / 2, () -> attacks.protocol(hostile, seconds / 2));
        double[] flood = underAttack(good, jpeg, seconds / 2, () -> attacks.flood(hostile, seconds / 2));
        double[] manyCameras = underAttack(good, jpeg, seconds / 2, () -> attacks.manyCameras(hostile, seconds / 2));
        Thread.sleep(5_000);
        String metricsAfter = scrape(httpPort);
        long rssAfter = rssKiB(gateway.pid());

        System.out.printf(Locale.ROOT, "hostile-client soak: gateway %s on its own Mosquitto (127.0.0.1:%d), resnet20, unit JVM flags "
                + "(-Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError), default pipeline (1 worker + heavy lane), %d cores shared with "
                + "Mosquitto and this load generator; %d s of one hostile camera, %d s of all hostile cameras, %d s of protocol attacks, "
                + "%d s of a valid-JPEG flood, then %d s of 200 camera ids%n%n",
                id, brokerPort, Runtime.getRuntime().availableProcessors(), seconds / 2, seconds, seconds / 2, seconds / 2, seconds / 2);
        System.out.printf(Locale.ROOT, "%-44s %8s %9s%n", "payload kind", "sent", "answered");
        for (Map.Entry<String, AtomicInteger> e : sent.entrySet()) {
            String kind = e.getKey();
            String answeredText = switch (kind) {
                case "oversized packet (48 MiB)" -> "(broker)";
                case "client-id take-over" -> "";
                case "control: response topic outside prefix", "control: invalid level" -> "";
                case "control: retained level command" -> retainRefusals.get() + "*";
                default -> String.valueOf(answered.getOrDefault(kind, new AtomicInteger()).get());
            };
            System.out.printf(Locale.ROOT, "%-44s %8d %9s%n", kind, e.getValue().get(), answeredText);
        }
        int controlSent = sent.getOrDefault("control: response topic outside prefix", new AtomicInteger()).get()
                + sent.getOrDefault("control: invalid level", new AtomicInteger()).get();
        System.out.printf(Locale.ROOT, "%-44s %8d %9d%n", "control commands refused (both kinds above)", controlSent, controlRefusals.get());
        int total = sent.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf(Locale.ROOT, "%-44s %8d%n%n", "all hostile payloads", total);
        boolean alive = gateway.isAlive();
        System.out.printf(Locale.ROOT, "crashes: %d (gateway process %s)%n", alive ? 0 : 1, alive ? "alive" : "exited with " + gateway.exitValue());
        System.out.printf(Locale.ROOT, "RSS: %.1f MiB before, %.1f MiB after%n", rssBefore / 1024.0, rssAfter / 1024.0);
        System.out.printf(Locale.ROOT, "/metrics: %d bytes before, %d after (camera series: %d)%n", metricsBefore, metricsAfter.length(),
                metricsAfter.lines().filter(l -> l.startsWith("haste_frames_received_total{")).count());
        System.out.printf(Locale.ROOT, "gauges: haste_mqtt_connected %s, haste_queue_frames %s, haste_in_flight_frames %s%n",
                sample(metricsAfter, "haste_mqtt_connected"), sample(metricsAfter, "haste_queue_frames"), sample(metricsAfter, "haste_in_flight_frames"));
        System.out.printf(Locale.ROOT, "%nwell-behaved camera, %.0f JPEG frames/s:%n%-32s %9s %9s %9s %9s%n", GOOD_FPS, "phase", "answered",
                "p50 ms", "p95 ms", "p95 ratio");
        latencyRow("alone", alone, Math.max(10, seconds / 3), alone);
        latencyRow("with one 5700x5700 PNG camera", oneHugeCamera, seconds / 2, alone);
        latencyRow("with all hostile cameras", cameraAttacks, seconds, alone);
        latencyRow("with the protocol attacks", protocolAttacks, seconds / 2, alone);
        latencyRow("with 4 cameras at 250 JPEG/s", flood, seconds / 2, alone);
        latencyRow("with 200 camera ids at 1 frame/s", manyCameras, seconds / 2, alone);
        long rotated = predictedCameras.stream().filter(c -> c.startsWith("rot")).count();
        System.out.printf(Locale.ROOT, "200 camera ids, one JPEG each per second for %d s: %d of 200 got at least one prediction%n",
                seconds / 2, rotated);
        System.out.printf(Locale.ROOT, "gateway connects: %s (1 + a reconnect after each of the 2 client-id take-overs)%n",
                status(httpPort).path("mqtt_connects").asText());
        System.out.println("* retained level command: refused each time the gateway resubscribed after a take-over, never applied "
                + "(delivered live, without the retain flag, it is an ordinary command; clearing it counts as one more invalid level)");
        observer.disconnect().waitForCompletion(5000);
        good.disconnect().waitForCompletion(5000);
    }

    private static void latencyRow(String phase, double[] latencies, int seconds, double[] alone) {
        System.out.printf(Locale.ROOT, "%-32s %9s %9.1f %9.1f %9.2f%n", phase, latencies.length + "/" + Math.round(seconds * GOOD_FPS),
                pct(latencies, 0.5), pct(latencies, 0.95), pct(latencies, 0.95) / pct(alone, 0.95));
    }

    /** The good camera's latencies while {@code attack} runs beside it. */
    private double[] underAttack(MqttAsyncClient good, byte[] jpeg, int seconds, Runnable attack) throws Exception {
        Thread attacker = new Thread(attack, "attacker");
        attacker.start();
        double[] latencies = goodCamera(good, jpeg, seconds, "attacked" + seconds);
        attacker.join();
        return latencies;
    }

    /** Sends the good camera's frames for {@code seconds} and returns the latencies (ms) of those answered. */
    private double[] goodCamera(MqttAsyncClient good, byte[] jpeg, int seconds, String tag) throws Exception {
        goodSent.clear();
        goodAnswered.clear();
        long start = System.nanoTime();
        long interval = (long) (1e9 / GOOD_FPS);
        for (int i = 0; i < seconds * GOOD_FPS; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String frameId = tag + "-" + i;
            goodSent.put(frameId, System.nanoTime());
            try {
                good.publish("haste/" + id + "/cameras/good/frames", message(jpeg, frameId));
            } catch (MqttException e) {
                goodSent.remove(frameId); // broker restart in progress: not sent
            }
        }
        Thread.sleep(3_000);
        return goodAnswered.entrySet().stream().mapToDouble(e -> (e.getValue() - goodSent.get(e.getKey())) / 1e6).sorted().toArray();
    }

    /** One round of attacks. */
    private interface Round {
        void run(int round) throws Exception;
    }

    private static MqttMessage message(byte[] payload, String frameId) {
        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
        return new MqttMessage(payload, 0, false, p);
    }

    /** The attacks, replayed in rounds until the time is up. */
    private final class Attacks {
        private final byte[] jpeg;
        private final byte[] largePng;
        private final byte[] bombPng;
        private final byte[] bigJpeg;
        private final byte[] progressiveJpeg;
        private final byte[] widePng;
        private int counter;

        Attacks(byte[] jpeg) throws IOException {
            this.jpeg = jpeg;
            largePng = TestImages.png(TestImages.smooth(5700, 5700, BufferedImage.TYPE_INT_RGB));
            bombPng = TestImages.png(TestImages.smooth(6400, 6250, BufferedImage.TYPE_BYTE_GRAY));
            BufferedImage big = TestImages.smooth(6320, 6320, BufferedImage.TYPE_INT_RGB);
            bigJpeg = TestImages.jpeg(big, false);
            progressiveJpeg = TestImages.jpeg(big, true);
            widePng = TestImages.png(TestImages.smooth(2_000_000, 2, BufferedImage.TYPE_BYTE_GRAY));
        }

        /**
         * Hostile cameras for {@code seconds}: one camera sending a 5700x5700 PNG a second; with {@code all}, also other huge
         * images, a flood of fresh camera ids with garbage, an overlong camera id and oversized payloads.
         */
        void cameras(MqttAsyncClient c, int seconds, boolean all) {
            rounds(seconds, round -> {
                frame(c, "huge", largePng, "5700x5700 PNG, one camera, 1/s");
                for (int i = 0; all && i < 40; i++) {
                    frame(c, "id" + round + "-" + i, garbage(), "garbage on a fresh camera id (40/s)");
                }
                if (all && round % 5 == 1) {
                    frame(c, "bomb", bombPng, "40-Mpixel PNG");
                    frame(c, "bigjpeg", bigJpeg, "6320x6320 JPEG");
                    frame(c, "prog", progressiveJpeg, "6320x6320 progressive JPEG");
                    frame(c, "wide", widePng, "2000000x2 PNG");
                    frame(c, "c".repeat(65_535 - ("haste/" + id + "/cameras//frames").length()), jpeg, "65,506-character camera id");
                    frame(c, "big", new byte[5 << 20], "5 MiB payload");
                }
            });
        }

        /**
         * Protocol attacks for {@code seconds}: a retained command, commands answering onto foreign topics, invalid levels,
         * oversized packets, and two client-id take-overs (after which the gateway gets the retained command again).
         */
        void protocol(MqttAsyncClient c, int seconds) {
            String set = "haste/" + id + "/control/level/set";
            publish(c, set, "0".getBytes(StandardCharsets.UTF_8), true, null, "control: retained level command");
            rounds(seconds, round -> {
                for (String target : List.of("haste/other/control/level/set", "haste/" + id + "/cameras/good/predictions", "haste/" + id + "/status")) {
                    publish(c, set, "0".getBytes(StandardCharsets.UTF_8), false, target, "control: response topic outside prefix");
                }
                publish(c, set, "{\"level\": 99}".getBytes(StandardCharsets.UTF_8), false, null, "control: invalid level");
                if (round % 5 == 2) {
                    publish(c, "haste/" + id + "/cameras/huge2/frames", new byte[48 << 20], false, null, "oversized packet (48 MiB)");
                }
                if (round == seconds / 3 || round == 2 * seconds / 3) {
                    takeOver();
                }
            });
            // Clearing the retained command: the gateway, subscribed, gets an empty command and refuses it too.
            publish(c, set, new byte[0], true, null, "control: invalid level");
        }

        /** Four cameras flooding valid JPEG frames, 250 frames/s each (25 every 100 ms), for {@code seconds}. */
        void flood(MqttAsyncClient c, int seconds) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            try {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 25; i++) {
                        for (int cam = 0; cam < 4; cam++) {
                            frame(c, "flood" + cam, jpeg, "valid JPEG flood, 4 cameras x 250/s");
                        }
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                System.err.println("attacker stopped: " + e);
            }
        }

        /** 200 camera ids, each sending one valid JPEG a second, always in the same order, for {@code seconds}. */
        void manyCameras(MqttAsyncClient c, int seconds) {
            rounds(seconds, round -> {
                for (int cam = 0; cam < 200; cam++) {
                    frame(c, "rot" + cam, jpeg, "valid JPEG, 200 camera ids x 1/s");
                }
            });
        }

        /** Runs {@code round} once a second for {@code seconds}. */
        private void rounds(int seconds, Round round) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            try {
                for (int r = 1; System.nanoTime() < end; r++) {
                    round.run(r);
                    Thread.sleep(1_000);
                }
            } catch (Exception e) {
                System.err.println("attacker stopped: " + e);
            }
        }

        /** Connects with the gateway's predictable client id (the broker ends the gateway's session), then leaves. */
        private void takeOver() throws MqttException {
            sent.computeIfAbsent("client-id take-over", k -> new AtomicInteger()).incrementAndGet();
            MqttAsyncClient impostor = new MqttAsyncClient("tcp://127.0.0.1:" + brokerPort, "haste-" + id, new MemoryPersistence());
            impostor.connect(new MqttConnectionOptions()).waitForCompletion(5000);
            try {
                impostor.disconnect().waitForCompletion(5000);
            } catch (MqttException alreadyTakenBack) {
                // the gateway's reconnect ended this session first
            }
            impostor.close();
        }

        private byte[] garbage() {
            byte[][] mix = {new byte[0], Arrays.copyOf(jpeg, jpeg.length / 2), {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
                {'H', 'R', 'A', 'W', 1, 3, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f}, new byte[64]};
            byte[] pick = mix[counter % mix.length].clone();
            if (counter % mix.length == 4) {
                random.nextBytes(pick);
            }
            return pick;
        }

        private void frame(MqttAsyncClient c, String camera, byte[] payload, String kind) throws MqttException {
            String frameId = "h" + counter++;
            kindOfFrame.put(frameId, kind);
            sent.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            try {
                c.publish("haste/" + id + "/cameras/" + camera + "/frames", message(payload, frameId));
            } catch (MqttException e) {
                sent.get(kind).decrementAndGet(); // broker restarting
                kindOfFrame.remove(frameId);
            }
        }

        private void publish(MqttAsyncClient c, String topic, byte[] payload, boolean retain, String responseTopic, String kind) {
            MqttProperties p = new MqttProperties();
            if (responseTopic != null) {
                p.setResponseTopic(responseTopic);
            }
            try {
                c.publish(topic, new MqttMessage(payload, 1, retain, p));
                sent.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            } catch (MqttException e) {
                // broker restarting: not sent
            }
        }
    }

    private static void waitOnline(Process gateway) throws Exception {
        for (int i = 0; i < 600 && gateway.isAlive(); i++) {
            try {
                if (sample(scrape(httpPort(gateway)), "haste_mqtt_connected").equals("1.0")) {
                    return;
                }
            } catch (IOException notYet) {
                // the HTTP endpoint is not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("gateway did not come up");
    }

    private static int httpPort(Process gateway) {
        return Integer.parseInt(ProcessHandle.of(gateway.pid()).flatMap(h -> h.info().arguments()).map(Arrays::asList).orElseThrow()
                .stream().filter(s -> s.startsWith("http.port=")).findFirst().orElseThrow().substring("http.port=".length()));
    }

    private static String scrape(int port) throws Exception {
        return LocalHttp.get(port, "/metrics");
    }

    private static JsonNode status(int port) throws Exception {
        return JSON.readTree(LocalHttp.get(port, "/status"));
    }

    private static String sample(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1)).findFirst().orElse("absent");
    }

    private static long rssKiB(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
    }

    private static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

}
