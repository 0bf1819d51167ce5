package io.hastegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.Main;
import io.hastegw.daemon.RunningGateway;
import io.hastegw.daemon.mqtt.MessageCallback;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The one-command demo (deploy/demo.sh): a model made HASTE-enabled with a per-layer schedule
 * searched for MACs budgets on unlabelled frames ({@link DemoWorkload}: the shared scene-detector
 * on camera-like clips, or the bundled Fashion-MNIST classifier), the gateway on its embedded
 * defaults with its embedded MQTT broker (no network), and the frames sent from a directory
 * source over simulated cameras: once to warm up, then at level 0 (the dense model), then, after
 * an operator command on {@code control/level/set}, at each of the demo's levels. It prints a
 * live line per second, a summary per pass and what each level saved against level 0 in this run.
 */
public final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Demo() {}

    /**
     * {@code --demo detector --detector DIR --cifar DIR | --demo classifier --model ONNX --card JSON [--dataset DIR] [--frames N]}
     * {@code --broker-lib DIR --work DIR [--rate FPS] [--cameras C] [--clips N] [--levels L,...] [--cost-plan true|false]
     * [--stream-reuse true|false (classifier; default false: its frames are unrelated images)] [--console-port P]}.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path work = Files.createDirectories(Path.of(a.getOrDefault("work", "build/demo")));
        double rate = Double.parseDouble(a.getOrDefault("rate", "100"));
        int cameras = Integer.parseInt(a.getOrDefault("cameras", "4"));
        List<Integer> levels = java.util.Arrays.stream(a.getOrDefault("levels", "5").split(",")).map(String::trim).map(Integer::valueOf).toList();
        PrintStream out = System.out;
        DemoWorkload workload = "detector".equals(a.get("demo"))
                ? DemoWorkload.detector(Path.of(a.get("detector")), Path.of(a.get("cifar")), work, cameras,
                        Integer.parseInt(a.getOrDefault("clips", "2")), levels, out)
                : DemoWorkload.fashionMnist(new DemoWorkload.Classifier(Path.of(a.get("model")), Path.of(a.get("card")),
                        Path.of(a.getOrDefault("dataset", DemoFrames.FASHION_MNIST.toString()))), work,
                        Integer.parseInt(a.getOrDefault("frames", "1000")), cameras, Boolean.parseBoolean(a.getOrDefault("stream-reuse", "false")),
                        levels, out);
        String id = "demo";
        int consolePort = consolePort(Integer.parseInt(a.getOrDefault("console-port", "9464")));
        List<String> sets = new ArrayList<>(List.of("gateway_id=" + id, "model.path=" + workload.hasteModel(), "model.card=" + workload.card(),
                "model.level=0", "control.mode=fixed", "mqtt.embedded_broker_lib=" + a.get("broker-lib"),
                "model.cost_plan=" + a.getOrDefault("cost-plan", "true"), "pipeline.queue_per_camera=8", "pipeline.workers=2",
                "http.enabled=true", "http.port=" + consolePort, "http.console=true"));
        sets.addAll(workload.settings());
        List<String> argv = new ArrayList<>();
        sets.forEach(s -> argv.addAll(List.of("--set", s)));
        AtomicReference<RunningGateway> ref = new AtomicReference<>();
        int status = Main.start(argv.toArray(new String[0]), Map.of(), out, System.err, ref);
        if (status != -1) {
            System.exit(status);
        }
        RunningGateway running = ref.get();
        int port = running.config().mqtt().port();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicReference<DemoStats> current = new AtomicReference<>(new DemoStats(workload.score().get()));
        AtomicInteger levelState = new AtomicInteger(-1);
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "demo-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new Listener(current, sentAt, levelState));
        client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        client.subscribe("haste/" + id + "/#", 0).waitForCompletion(10_000);
        for (int i = 0; i < 200 && !running.gateway().mqtt().isReady(); i++) {
            Thread.sleep(25);
        }
        out.println("demo: live console (read-only) while the demo runs: http://127.0.0.1:" + consolePort + "/console/");
        for (int level : levels) {
            out.println("demo: how level " + level + " runs on this machine: " + describe(running.gateway().engine().details(level)));
        }
        DirectoryFrameSource source = workload.source();
        out.printf(Locale.ROOT, "demo: gateway '%s' on the embedded broker 127.0.0.1:%d; %d frames from %d cameras at %.0f frames/s%n",
                id, port, source.size(), source.cameras(), rate);
        out.println("demo: warm-up: every frame once at level 0, not counted (JIT, caches)");
        DemoStats warmUp = new DemoStats(workload.score().get());
        current.set(warmUp);
        Traffic traffic = new Traffic(running, client, id, rate, sentAt);
        sendAll(warmUp, traffic, source);
        DemoStats dense = pass(out, "pass 1: level 0 (the dense model)", current, workload, traffic);
        List<String> comparisons = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            int level = levels.get(i);
            out.printf("demo: operator command: haste/%s/control/level/set <- %d%n", id, level);
            client.publish("haste/" + id + "/control/level/set", new MqttMessage(Integer.toString(level).getBytes(StandardCharsets.UTF_8)))
                    .waitForCompletion(5000);
            for (int t = 0; t < 200 && levelState.get() != level; t++) {
                Thread.sleep(25);
            }
            DemoStats haste = pass(out, "pass " + (i + 2) + ": level " + level + " (HASTE)", current, workload, traffic);
            comparisons.add(haste.against(dense));
            out.println(comparisons.get(comparisons.size() - 1));
        }
        if (comparisons.size() > 1) {
            out.println("demo: every level against level 0, same frames, same run:");
            comparisons.forEach(c -> out.println("  " + c.substring("demo: ".length())));
        }
        out.println(streamReuse(running.gateway().engine().details(levels.get(levels.size() - 1)).get("stream_reuse"), workload.framesAre()));
        client.disconnect().waitForCompletion(5000);
        client.close();
        running.stop();
        System.exit(0);
    }

    /** One line on how the level's frames used stream reuse (the gateway's /status figures). */
    @SuppressWarnings("unchecked")
    private static String streamReuse(Object status, String framesAre) {
        Map<String, Object> s = (Map<String, Object>) status;
        if (s == null || !Boolean.TRUE.equals(s.get("enabled"))) {
            return "demo: stream reuse off: the demo's cameras send " + framesAre + " (STREAM_REUSE=true turns it on; camera-like clips: "
                    + "DEMO=detector, benchmarks/haste-stream-bench.sh)";
        }
        Map<String, Object> causes = (Map<String, Object>) s.get("refreshes");
        String refreshes = causes.entrySet().stream().filter(e -> ((Number) e.getValue()).longValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        return String.format(Locale.ROOT, "demo: stream reuse: %s of %s HASTE frames reused their camera's buckets and merged filters "
                        + "(refreshes: %s); state kept: %.1f MB for %s cameras (the cameras sent %s)",
                s.get("reused"), s.get("frames"), refreshes.isEmpty() ? "none" : refreshes, ((Number) s.get("state_bytes")).longValue() / 1e6,
                s.get("cameras_with_state"), framesAre);
    }

    /**
     * Where the demo's frames go and how fast: the running gateway, the client that publishes, the gateway id, frames per
     * second, and when each frame was sent (for its latency).
     */
    private record Traffic(RunningGateway running, MqttAsyncClient client, String id, double rate, Map<String, Long> sentAt) {}

    /** Sends every frame once at the level in use, prints a live line per second and the pass's summary; its statistics. */
    private static DemoStats pass(PrintStream out, String title, AtomicReference<DemoStats> current, DemoWorkload workload, Traffic traffic)
            throws Exception {
        out.println("demo: " + title);
        DirectoryFrameSource source = workload.source();
        DemoStats stats = new DemoStats(workload.score().get());
        current.set(stats);
        long start = System.nanoTime();
        Thread ticker = new Thread(() -> {
            int second = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                out.println(stats.liveLine(++second));
            }
        }, "demo-live");
        ticker.setDaemon(true);
        ticker.start();
        double dropped = sendAll(stats, traffic, source);
        ticker.interrupt();
        ticker.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(stats.summary(source.size(), seconds, dropped));
        return stats;
    }

    /**
     * Publishes every frame of {@code source} once, then waits (at most 10 s) until each is answered
     * in {@code stats} or dropped by the gateway; returns how many it dropped meanwhile.
     */
    private static double sendAll(DemoStats stats, Traffic traffic, DirectoryFrameSource source) throws Exception {
        RunningGateway running = traffic.running();
        double droppedBefore = running.gateway().metrics().total("haste_frames_dropped");
        source.publish(traffic.client(), camera -> "haste/" + traffic.id() + "/cameras/cam" + camera + "/frames", traffic.rate(), traffic.sentAt());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && stats.answered() + running.gateway().metrics().total("haste_frames_dropped") - droppedBefore < source.size()) {
            Thread.sleep(50);
        }
        return running.gateway().metrics().total("haste_frames_dropped") - droppedBefore;
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                List<Path> all = new ArrayList<>(walk.toList());
                java.util.Collections.reverse(all);
                for (Path p : all) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Turns predictions and errors into the current pass's statistics, and notes the level state the gateway reports. */
    private record Listener(AtomicReference<DemoStats> stats, Map<String, Long> sentAt, AtomicInteger levelState) implements MessageCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            long now = System.nanoTime();
            if (topic.endsWith("/errors")) {
                stats.get().error();
            } else if (topic.endsWith("/control/level/state")) {
                levelState.set(JSON.readTree(message.getPayload()).path("level").asInt(-1));
            } else if (topic.endsWith("/predictions")) {
                JsonNode p = JSON.readTree(message.getPayload());
                String frameId = p.path("frame_id").asText();
                Long sent = sentAt.get(frameId);
                stats.get().prediction(frameId, sent == null ? Double.NaN : (now - sent) / 1e6, p);
            }
        }
    }

    /** One line from the engine's status details: kernel, and how many layers run HASTE at the level. */
    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> details) {
        Object layers = details.get("layers_at_level");
        long haste = layers instanceof java.util.List<?> l ? l.stream().filter(x -> "haste".equals(((Map<String, Object>) x).get("runs"))).count() : 0;
        long all = layers instanceof java.util.List<?> l ? l.size() : 0;
        String plan = details.get("cost_plan") instanceof Map<?, ?> ? "cost plan on" : String.valueOf(details.get("cost_plan"));
        return "kernel " + details.get("kernel") + ", " + plan + ", " + haste + " of " + all + " HASTE layers run HASTE"
                + (haste == 0 ? " (none measured faster than dense here: the level runs the original model; COST_PLAN=false deploy/demo.sh runs the schedule as is)"
                : "");
    }

    /** {@code wanted} when it is free on loopback, else a free port (an installed gateway may hold 9464). */
    private static int consolePort(int wanted) throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(wanted, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException busy) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }
}
