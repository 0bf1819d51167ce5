package io.hastegw.daemon.bench;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.daemon.mqtt.MessageCallback;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Load benchmark (not a test): starts the gateway as its own process (the shaded jar) on a real
 * broker, publishes N real CIFAR-10 JPEG frames from C simulated cameras at a fixed total rate,
 * and reports throughput, end-to-end latency percentiles (publish to prediction received, measured
 * by this client), frames dropped, and the gateway process's CPU (from /proc) and heap (from its
 * /metrics). Usage: see benchmarks/gateway-bench.sh.
 */
public final class GatewayBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayBenchmark() {}

    /** {@code --jar JAR --shared DIR --model resnet20|resnet56 --level L --cameras 1,4,16 --frames N --rate FPS --workers W}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path jar = Path.of(a.get("jar"));
        Path shared = Path.of(a.getOrDefault("shared", "../shared"));
        String model = a.getOrDefault("model", "resnet20");
        int level = Integer.parseInt(a.getOrDefault("level", "0"));
        int frames = Integer.parseInt(a.getOrDefault("frames", "2000"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "200"));
        int workers = Integer.parseInt(a.getOrDefault("workers", "2"));
        int[] cameraCounts = Arrays.stream(a.getOrDefault("cameras", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();

        Path models = shared.resolve("models/cifar10-resnet-akamaster");
        Path tmp = Files.createTempDirectory("haste-bench");
        Path hasteModel = tmp.resolve(model + "-haste.onnx");
        OnnxModels.write(new HasteTransformer(OrtEnvironment.getEnvironment()).transform(OnnxModels.read(models.resolve(model + ".onnx")),
                new long[] {1, 3, 32, 32}, HasteOptions.defaults()).model(), hasteModel);
        List<byte[]> images = new ArrayList<>();
        try (Stream<Path> classes = Files.list(shared.resolve("data/cifar10-jpeg/test"))) {
            for (Path c : classes.sorted().toList()) {
                for (int i = 0; i < 20; i++) {
                    images.add(Files.readAllBytes(c.resolve(String.format("%04d.jpg", i))));
                }
            }
        }

        String id = "bench" + UUID.randomUUID().toString().substring(0, 6);
        int httpPort = freePort();
        Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--set", "gateway_id=" + id, "--set", "mqtt.host=127.0.0.1", "--set", "model.path=" + hasteModel, "--set", "model.card=" + models.resolve(model + ".json"),
                "--set", "model.level=" + level, "--set", "control.mode=fixed", "--set", "pipeline.workers=" + workers, "--set", "pipeline.max_in_flight=" + workers,
                "--set", "http.enabled=true", "--set", "http.port=" + httpPort)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.log").toFile()).start();
        try (Client client = new Client("haste/" + id + "/#")) {
            client.online.await(60, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "gateway benchmark: %s (HASTE model, level %d), %d frames per run at %.0f frames/s total, "
                    + "%d worker(s), %d cores, broker 127.0.0.1:1883%n", model, level, frames, rate, workers,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%-8s %10s %9s %9s %9s %8s %9s %9s%n", "cameras", "frames/s", "p50 ms", "p95 ms", "p99 ms",
                    "dropped", "CPU %", "heap MiB");
            warmUp(client, id, images);
            for (int cameras : cameraCounts) {
                Result r = run(client, id, gateway.pid(), httpPort, images, cameras, frames, rate);
                System.out.printf(Locale.ROOT, "%-8d %10.1f %9.2f %9.2f %9.2f %8d %9.1f %9.1f%n", cameras, r.throughput, r.p50, r.p95,
                        r.p99, r.dropped, r.cpuPercent, r.heapMiB);
            }
        } finally {
            gateway.destroy();
            gateway.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private record Result(double throughput, double p50, double p95, double p99, long dropped, double cpuPercent, double heapMiB) {}

    private static void warmUp(Client client, String id, List<byte[]> images) throws Exception {
        client.reset();
        for (int i = 0; i < 100; i++) {
            client.publish("haste/" + id + "/cameras/warm/frames", images.get(i % images.size()), "w" + i);
            Thread.sleep(5);
        }
        client.waitFor(100, 10_000);
    }

    private static Result run(Client client, String id, long pid, int httpPort, List<byte[]> images, int cameras, int frames,
                              double rate) throws Exception {
        client.reset();
        double droppedBefore = metric(httpPort, "haste_frames_dropped_total");
        long start = System.nanoTime();
        long cpuBefore = cpuTicks(pid);
        double[] heapMax = {0};
        List<long[]> cpuSamples = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    cpuSamples.add(new long[] {System.nanoTime(), cpuTicks(pid)});
                    heapMax[0] = Math.max(heapMax[0], metric(httpPort, "jvm_memory_used_bytes{area=\"heap\""));
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception ignored) {
                    // a missed sample
                }
            }
        }, "sampler");
        sampler.setDaemon(true);
        sampler.start();
        long intervalNanos = (long) (1e9 / rate);
        for (int i = 0; i < frames; i++) {
            long wait = start + i * intervalNanos - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            client.publish("haste/" + id + "/cameras/cam" + (i % cameras) + "/frames", images.get(i % images.size()), "f" + i);
        }
        client.waitFor(frames, 3_000);
        long end = client.lastArrival.get();
        sampler.interrupt();
        sampler.join();
        double wall = (end - start) / 1e9;
        // CPU over the same window as the throughput: the last sample taken before the last prediction arrived.
        long[] last = cpuSamples.stream().filter(c -> c[0] <= end).reduce((x, y) -> y).orElse(new long[] {start, cpuBefore});
        double cpuPercent = 100.0 * (last[1] - cpuBefore) / 100.0 / ((last[0] - start) / 1e9);
        double dropped = metric(httpPort, "haste_frames_dropped_total") - droppedBefore;
        double[] lat = client.latenciesMs();
        Arrays.sort(lat);
        return new Result(lat.length / wall, pct(lat, 0.50), pct(lat, 0.95), pct(lat, 0.99), Math.round(dropped), cpuPercent,
                heapMax[0] / (1 << 20));
    }

    private static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    /** utime + stime of the process in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Sum of the Prometheus samples whose line starts with {@code prefix}. */
    private static double metric(int port, String prefix) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The load generator's MQTT client: publishes frames, times predictions by frame id. */
    private static final class Client implements AutoCloseable {
        private final MqttAsyncClient mqtt;
        private final CountDownLatch online = new CountDownLatch(1);
        private final Map<String, Long> sent = new ConcurrentHashMap<>();
        private final Map<String, Long> received = new ConcurrentHashMap<>();
        private final AtomicLong lastArrival = new AtomicLong();

        Client(String filter) throws MqttException {
            mqtt = new MqttAsyncClient("tcp://127.0.0.1:1883", "bench-" + UUID.randomUUID(), new MemoryPersistence());
            mqtt.setCallback((MessageCallback) (topic, m) -> {
                long now = System.nanoTime();
                if (topic.endsWith("/status")) {
                    if ("online".equals(JSON.readTree(m.getPayload()).path("state").asText())) {
                        online.countDown();
                    }
                } else if (topic.endsWith("/predictions")) {
                    JsonNode p = JSON.readTree(m.getPayload());
                    received.put(p.path("frame_id").asText(), now);
                    lastArrival.set(now);
                }
            });
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setReceiveMaximum(65535);
            mqtt.connect(o).waitForCompletion(5000);
            mqtt.subscribe(filter, 0).waitForCompletion(5000);
        }

        void reset() {
            sent.clear();
            received.clear();
        }

        void publish(String topic, byte[] jpeg, String frameId) throws MqttException {
            MqttProperties p = new MqttProperties();
            p.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
            sent.put(frameId, System.nanoTime());
            mqtt.publish(topic, new MqttMessage(jpeg, 0, false, p));
        }

        /** Waits until {@code n} predictions arrived or none arrived for {@code quietMs}. */
        void waitFor(int n, long quietMs) throws InterruptedException {
            long last = System.nanoTime();
            int seen = 0;
            while (received.size() < n && (System.nanoTime() - last) / 1e6 < quietMs) {
                Thread.sleep(20);
                if (received.size() != seen) {
                    seen = received.size();
                    last = System.nanoTime();
                }
            }
        }

        double[] latenciesMs() {
            return received.entrySet().stream().filter(e -> sent.containsKey(e.getKey()))
                    .mapToDouble(e -> (e.getValue() - sent.get(e.getKey())) / 1e6).toArray();
        }

        @Override
        public void close() throws MqttException {
            mqtt.disconnect().waitForCompletion(5000);
            mqtt.close();
        }
    }
}
