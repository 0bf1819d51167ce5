package io.hastegw.daemon.bench;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.daemon.LocalMosquitto;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Load benchmark (not a test): starts the gateway as its own process (the shaded jar) on a real
 * broker, publishes N real CIFAR-10 JPEG frames from C simulated cameras at a fixed total rate,
 * and reports throughput, end-to-end latency percentiles (publish to prediction received, measured
 * by this client), frames dropped, and the gateway process's CPU (from /proc) and heap (from its
 * /metrics). Usage: see benchmarks/gateway-bench.sh.
 */
public final class GatewayBenchmark {
    private GatewayBenchmark() {}

    /** {@code --jar JAR --shared DIR --model resnet20|resnet56 --level L --cameras 1,4,16 --frames N --rate FPS --workers W}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchSupport.args(args);
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
        int httpPort = LocalMosquitto.freePort();
        Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--set", "gateway_id=" + id, "--set", "mqtt.host=127.0.0.1", "--set", "model.path=" + hasteModel, "--set", "model.card=" + models.resolve(model + ".json"),
                "--set", "model.level=" + level, "--set", "control.mode=fixed", "--set", "pipeline.workers=" + workers, "--set", "pipeline.max_in_flight=" + workers,
                "--set", "http.enabled=true", "--set", "http.port=" + httpPort)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.log").toFile()).start();
        try (BenchClient client = new BenchClient("haste/" + id + "/#")) {
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
            BenchSupport.stop(gateway, 20);
            try (BenchClient cleaner = new BenchClient("haste/" + id + "/none")) {
                cleaner.clearRetained(id);
            }
        }
    }

    private record Result(double throughput, double p50, double p95, double p99, long dropped, double cpuPercent, double heapMiB) {}

    private static void warmUp(BenchClient client, String id, List<byte[]> images) throws Exception {
        client.reset();
        for (int i = 0; i < 100; i++) {
            client.publish("haste/" + id + "/cameras/warm/frames", images.get(i % images.size()), "w" + i);
            Thread.sleep(5);
        }
        client.waitFor(100, 10_000);
    }

    private static Result run(BenchClient client, String id, long pid, int httpPort, List<byte[]> images, int cameras, int frames,
                              double rate) throws Exception {
        client.reset();
        double droppedBefore = BenchSupport.metric(httpPort, "haste_frames_dropped_total");
        long start = System.nanoTime();
        long cpuBefore = BenchSupport.cpuTicks(pid);
        double[] heapMax = {0};
        List<long[]> cpuSamples = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    cpuSamples.add(new long[] {System.nanoTime(), BenchSupport.cpuTicks(pid)});
                    heapMax[0] = Math.max(heapMax[0], BenchSupport.metric(httpPort, "jvm_memory_used_bytes{area=\"heap\""));
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
        double dropped = BenchSupport.metric(httpPort, "haste_frames_dropped_total") - droppedBefore;
        double[] lat = client.latenciesMs();
        Arrays.sort(lat);
        return new Result(lat.length / wall, BenchSupport.pct(lat, 0.50), BenchSupport.pct(lat, 0.95), BenchSupport.pct(lat, 0.99), Math.round(dropped), cpuPercent,
                heapMax[0] / (1 << 20));
    }
}
