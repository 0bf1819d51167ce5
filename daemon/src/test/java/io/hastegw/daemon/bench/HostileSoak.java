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
    /** The phases, in the order they run; {@code --phases} picks some. */
    private static final List<String> PHASES = List.of("huge", "cameras", "protocol", "flood", "many", "replay");

    private final String id = "soak" + UUID.randomUUID().toString().substring(0, 6);
    private final int brokerPort;
    private final Path jar;
    private final Path shared;
    private final Path tmp;
    private final SoakGoodCamera good = new SoakGoodCamera(id);
    /** Per attack kind: payloads sent, and the frame ids or commands still waiting for their answer. */
    private final Map<String, AtomicInteger> sent = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final Map<String, String> kindOfFrame = new ConcurrentHashMap<>();
    private final AtomicInteger controlRefusals = new AtomicInteger();
    private final AtomicInteger retainRefusals = new AtomicInteger();
    /** The cameras that got at least one prediction (the 200-camera rotation). */
    private final java.util.Set<String> predictedCameras = ConcurrentHashMap.newKeySet();

    private HostileSoak(int brokerPort, Path jar, Path shared, Path tmp) {
        this.brokerPort = brokerPort;
        this.jar = jar;
        this.shared = shared;
        this.tmp = tmp;
    }

    /**
     * {@code --jar JAR --shared DIR --seconds S [--phases huge,cameras,protocol,flood,many,replay] [--broker-nodelay true]}
     * (the default: the soak's Mosquitto sends to its clients without Nagle's algorithm, {@code set_tcp_nodelay true}, as
     * deploy/examples/mosquitto/haste.conf; false: Mosquitto's own default).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path shared = Path.of(a.getOrDefault("shared", "../shared"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "60"));
        List<String> phases = a.containsKey("phases") ? List.of(a.get("phases").split(",")) : PHASES;
        if (!PHASES.containsAll(phases)) {
            throw new IllegalArgumentException("--phases: some of " + PHASES + ", got " + phases);
        }
        Path tmp = Files.createTempDirectory("haste-soak");
        int port = LocalMosquitto.freePort();
        Path conf = tmp.resolve("mosquitto.conf");
        boolean noDelay = Boolean.parseBoolean(a.getOrDefault("broker-nodelay", "true"));
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay " + noDelay + "\n");
        Process broker = LocalMosquitto.start(conf, port, tmp.resolve("mosquitto.log"));
        Process gateway = null;
        int status = 0;
        try {
            HostileSoak soak = new HostileSoak(port, Path.of(a.get("jar")), shared, tmp);
            gateway = soak.startGateway(List.of("gateway_id=" + soak.id));
            soak.run(gateway, seconds, phases);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        } finally {
            if (gateway != null) {
                BenchSupport.stop(gateway, 20);
            }
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.exit(status); // Paho's reconnect threads would keep the JVM alive
    }

    /** Starts the gateway with the soak's settings and {@code sets}; returns when it is connected. */
    private Process startGateway(List<String> sets) throws Exception {
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
        List<String> all = new ArrayList<>(List.of("mqtt.host=127.0.0.1", "mqtt.port=" + brokerPort, "model.path=" + models.resolve("resnet20.onnx"),
                "model.card=" + models.resolve("resnet20.json"), "model.cost_cache=" + tmp.resolve("cost"), "http.enabled=true", "http.console=true",
                "http.port=" + LocalMosquitto.freePort()));
        all.addAll(sets);
        for (String set : all) {
            cmd.addAll(List.of("--set", set));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("gateway.log").toFile()));
        builder.environment().put("TMPDIR", tmp.toString());
        Process gateway = builder.start();
        waitOnline(gateway);
        return gateway;
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
        if ((topic.endsWith("/predictions") || topic.endsWith("/errors")) && !good.onAnswer(frameId, json, now)) {
            if (frameId != null && kindOfFrame.containsKey(frameId)) {
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

    private void run(Process gateway, int seconds, List<String> phases) throws Exception {
        byte[] jpeg = Files.readAllBytes(shared.resolve("data/cifar10-jpeg/test/cat/0001.jpg"));
        MqttAsyncClient observer = client("soak-observer", this::onMessage);
        // Answers only: the hostile frames themselves (48 MiB, 65,506-character topics) are not the observer's to receive.
        observer.subscribe(new String[] {"haste/" + id + "/cameras/+/predictions", "haste/" + id + "/errors"}, new int[] {1, 1})
                .waitForCompletion(5000);
        MqttAsyncClient goodClient = client("soak-good", null);
        MqttAsyncClient hostile = client("soak-hostile", null);
        int httpPort = httpPort(gateway);
        SoakAttacks attacks = new SoakAttacks(id, brokerPort, jpeg, sent, kindOfFrame);

        good.run(goodClient, jpeg, 5, "warm");
        long rssBefore = rssKiB(gateway.pid());
        int metricsBefore = scrape(httpPort).length();
        SoakGoodCamera.Phase alone = measured(httpPort, () -> good.run(goodClient, jpeg, Math.max(10, seconds / 3), "alone"));
        List<SoakGoodCamera.Phase> latencies = new ArrayList<>(List.of(alone));
        Map<String, Runnable> attack = new LinkedHashMap<>();
        attack.put("huge", () -> attacks.cameras(hostile, seconds / 2, false));
        attack.put("cameras", () -> attacks.cameras(hostile, seconds, true));
        attack.put("protocol", () -> attacks.protocol(hostile, seconds / 2));
        attack.put("flood", () -> attacks.flood(hostile, seconds / 2));
        attack.put("many", () -> attacks.manyCameras(hostile, seconds / 2));
        Map<String, String> phaseName = Map.of("huge", "with one 5700x5700 PNG camera", "cameras", "with all hostile cameras",
                "protocol", "with the protocol attacks", "flood", "with 4 cameras at 250 JPEG/s", "many", "with 200 camera ids at 1 frame/s");
        for (Map.Entry<String, Runnable> e : attack.entrySet()) {
            if (phases.contains(e.getKey())) {
                latencies.add(measured(httpPort, () -> underAttack(goodClient, jpeg, e.getKey().equals("cameras") ? seconds : seconds / 2,
                        phaseName.get(e.getKey()), e.getValue())));
            }
        }
        Thread.sleep(5_000);
        String metricsAfter = scrape(httpPort);
        long rssAfter = rssKiB(gateway.pid());
        JsonNode console = JSON.readTree(LocalHttp.consoleState(httpPort));

        System.out.printf(Locale.ROOT, "hostile-client soak: gateway %s on its own Mosquitto (127.0.0.1:%d), resnet20, unit JVM flags "
                + "(-Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError), default pipeline (1 worker + heavy lane), %d cores shared with "
                + "Mosquitto and this load generator; phases %s (%d s each, all hostile cameras %d s)%n%n",
                id, brokerPort, Runtime.getRuntime().availableProcessors(), phases, seconds / 2, seconds);
        printPayloads();
        boolean alive = gateway.isAlive();
        System.out.printf(Locale.ROOT, "crashes: %d (gateway process %s)%n", alive ? 0 : 1, alive ? "alive" : "exited with " + gateway.exitValue());
        System.out.printf(Locale.ROOT, "RSS: %.1f MiB before, %.1f MiB after%n", rssBefore / 1024.0, rssAfter / 1024.0);
        System.out.printf(Locale.ROOT, "/metrics: %d bytes before, %d after (camera series: %d)%n", metricsBefore, metricsAfter.length(),
                metricsAfter.lines().filter(l -> l.startsWith("haste_frames_received_total{")).count());
        System.out.printf(Locale.ROOT, "gauges: haste_mqtt_connected %s, haste_queue_frames %s, haste_in_flight_frames %s%n",
                sample(metricsAfter, "haste_mqtt_connected"), sample(metricsAfter, "haste_queue_frames"), sample(metricsAfter, "haste_in_flight_frames"));
        SoakGoodCamera.printLatencies(latencies, alone);
        SoakGoodCamera.printTerms(latencies);
        if (phases.contains("many")) {
            long rotated = predictedCameras.stream().filter(c -> c.startsWith("rot")).count();
            long listed = java.util.stream.StreamSupport.stream(console.path("cameras").spliterator(), false)
                    .filter(c -> c.path("id").asText().startsWith("rot")).count();
            System.out.printf(Locale.ROOT, "200 camera ids, one JPEG each per second for %d s: %d of 200 got at least one prediction; "
                    + "the console lists %d of 200%n", seconds / 2, rotated, listed);
        }
        if (phases.contains("protocol")) {
            System.out.printf(Locale.ROOT, "gateway connects: %s (1 + a reconnect after each of the 2 client-id take-overs)%n",
                    status(httpPort).path("mqtt_connects").asText());
            System.out.println("* retained level command: refused each time the gateway resubscribed after a take-over, never applied "
                    + "(delivered live, without the retain flag, it is an ordinary command; clearing it counts as one more invalid level)");
        }
        observer.disconnect().waitForCompletion(5000);
        goodClient.disconnect().waitForCompletion(5000);
        if (phases.contains("replay")) {
            new SoakReplay(id + "r", brokerPort).run(new SoakReplay.Gateways() {
                @Override
                public Process start(List<String> sets) throws Exception {
                    return startGateway(sets);
                }

                @Override
                public int latencyTargetMs(Process g) throws Exception {
                    return status(httpPort(g)).path("control").path("settings").path("latency_target_ms").asInt(-1);
                }
            }, tmp);
        }
    }

    private void printPayloads() {
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
    }

    /** A phase of the good camera. */
    private interface PhaseRun {
        SoakGoodCamera.Phase run() throws Exception;
    }

    /** {@code phase} with the good camera's frames shed and dropped meanwhile. */
    private static SoakGoodCamera.Phase measured(int httpPort, PhaseRun phase) throws Exception {
        String before = scrape(httpPort);
        SoakGoodCamera.Phase p = phase.run();
        String after = scrape(httpPort);
        return p.withLosses(goodCount(after, "shed") - goodCount(before, "shed"), goodCount(after, "dropped") - goodCount(before, "dropped"));
    }

    private static long goodCount(String scrape, String what) {
        String value = sample(scrape, "haste_frames_" + what + "_total{camera=\"good\"}");
        return value.equals("absent") ? 0 : (long) Double.parseDouble(value);
    }

    /** The good camera's phase while {@code attack} runs beside it. */
    private SoakGoodCamera.Phase underAttack(MqttAsyncClient client, byte[] jpeg, int seconds, String name, Runnable attack) throws Exception {
        Thread attacker = new Thread(attack, "attacker");
        attacker.start();
        SoakGoodCamera.Phase phase = good.run(client, jpeg, seconds, name);
        attacker.join();
        return phase;
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


}
