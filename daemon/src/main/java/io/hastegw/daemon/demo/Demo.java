package io.hastegw.daemon.demo;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.Main;
import io.hastegw.daemon.mqtt.MessageCallback;
import io.hastegw.op.analysis.InputShape;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.cost.CalibrationInputs;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.runtime.RuntimeOptions;
import io.hastegw.op.schedule.BudgetOptions;
import io.hastegw.op.schedule.BudgetTransform;
import io.hastegw.op.schedule.ScheduleSearch;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.TransformResult;
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
import onnx.Onnx.ModelProto;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The one-command demo (deploy/demo.sh): the bundled Fashion-MNIST model made HASTE-enabled with a
 * per-layer schedule searched for MACs budgets (on unlabelled Fashion-MNIST training frames, or
 * synthetic ones where the dataset is missing), the gateway on its
 * embedded defaults with its embedded MQTT broker (no network), and the same frames sent from a
 * directory source over 4 simulated cameras: once to warm up, then at level 0 (the dense model), then,
 * after an operator command on {@code control/level/set}, at the demo's level. It prints a live
 * line per second, a summary per pass and what the level saved against level 0 in this run.
 */
public final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Demo() {}

    /**
     * {@code --model ONNX --card JSON --broker-lib DIR --work DIR [--frames N] [--rate FPS] [--cameras C] [--level L]
     * [--cost-plan true|false] [--stream-reuse true|false (default false: the demo frames are unrelated images)]
     * [--dataset DIR]}.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path model = Path.of(a.get("model"));
        Path card = Path.of(a.get("card"));
        Path work = Files.createDirectories(Path.of(a.getOrDefault("work", "build/demo")));
        int frames = Integer.parseInt(a.getOrDefault("frames", "1000"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "100"));
        int cameras = Integer.parseInt(a.getOrDefault("cameras", "4"));
        int level = Integer.parseInt(a.getOrDefault("level", "5"));
        Path dataset = Path.of(a.getOrDefault("dataset", DemoFrames.FASHION_MNIST.toString()));
        PrintStream out = System.out;

        Path frameDir = work.resolve("frames");
        deleteTree(frameDir);
        if (Files.isRegularFile(dataset.resolve("t10k-images-idx3-ubyte.gz"))) {
            int n = DemoFrames.writeFashionMnist(dataset, frameDir, frames);
            out.printf("demo: %d Fashion-MNIST test images from %s (Debian package dataset-fashion-mnist) in %s%n", n, dataset, frameDir);
        } else {
            DemoFrames.writeGenerated(frameDir, frames);
            out.printf("demo: Fashion-MNIST is NOT installed (%s missing; apt-get install dataset-fashion-mnist):"
                    + " using %d GENERATED frames, so no accuracy can be reported%n", dataset, frames);
        }
        ModelCard modelCard = ModelCard.read(card);
        Path hasteModel = work.resolve(model.getFileName().toString().replaceFirst("\\.onnx$", "") + "-haste.onnx");
        BudgetOptions budget = BudgetOptions.defaults();
        List<FloatTensor> calibration;
        String calibrationSource;
        if (Files.isRegularFile(dataset.resolve("train-images-idx3-ubyte.gz"))) {
            Path calibrationDir = work.resolve("calibration");
            deleteTree(calibrationDir);
            DemoFrames.writeUnlabelledTraining(dataset, calibrationDir, 128);
            calibration = CalibrationInputs.fromFolder(calibrationDir, modelCard, 128);
            calibrationSource = "unlabelled Fashion-MNIST training frames";
        } else {
            calibration = CalibrationInputs.synthetic(modelCard, budget.frames());
            calibrationSource = "synthetic frames (data-free)";
        }
        TransformResult result = transform(model, modelCard, calibration, calibrationSource, budget, out);
        OnnxModels.write(result.model(), hasteModel);
        out.printf("demo: HASTE model %s (%d HASTE layers, levels 0..%d)%n", hasteModel, result.info().hasteLayers().size(),
                result.info().schedule().levels() - 1);

        String id = "demo";
        int consolePort = consolePort(Integer.parseInt(a.getOrDefault("console-port", "9464")));
        AtomicReference<Main.Running> ref = new AtomicReference<>();
        int status = Main.start(new String[] {"--set", "gateway_id=" + id, "--set", "model.path=" + hasteModel, "--set", "model.card=" + card,
            "--set", "model.level=0", "--set", "control.mode=fixed", "--set", "mqtt.embedded_broker_lib=" + a.get("broker-lib"),
            "--set", "model.calibration_images=" + frameDir, "--set", "model.cost_plan=" + a.getOrDefault("cost-plan", "true"),
            "--set", "model.stream_reuse.enabled=" + a.getOrDefault("stream-reuse", "false"),
            "--set", "pipeline.queue_per_camera=8", "--set", "pipeline.workers=2", "--set", "http.enabled=true",
            "--set", "http.port=" + consolePort, "--set", "http.console=true"}, Map.of(), out, System.err, ref);
        if (status != -1) {
            System.exit(status);
        }
        Main.Running running = ref.get();
        int port = running.config().mqtt().port();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicReference<DemoStats> current = new AtomicReference<>(new DemoStats());
        AtomicInteger levelState = new AtomicInteger(-1);
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "demo-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new Listener(current, sentAt, levelState));
        client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        client.subscribe("haste/" + id + "/#", 0).waitForCompletion(10_000);
        for (int i = 0; i < 200 && !running.gateway().mqtt().isReady(); i++) {
            Thread.sleep(25);
        }
        out.println("demo: live console (read-only) while the demo runs: http://127.0.0.1:" + consolePort + "/console/");
        out.println("demo: how level " + level + " runs on this machine: " + describe(running.gateway().engine().details(level)));
        DirectoryFrameSource source = new DirectoryFrameSource(frameDir);
        out.printf("demo: gateway '%s' on the embedded broker 127.0.0.1:%d; %d frames from %d cameras at %.0f frames/s (labels: %s)%n",
                id, port, source.size(), cameras, rate, modelCard.labels());

        out.println("demo: warm-up: every frame once at level 0, not counted (JIT, caches)");
        DemoStats warmUp = new DemoStats();
        current.set(warmUp);
        sendAll(warmUp, running, client, source, id, cameras, rate, sentAt);
        DemoStats dense = pass(out, "pass 1: level 0 (the dense model)", current, running, client, source, id, cameras, rate, sentAt);
        out.printf("demo: operator command: haste/%s/control/level/set <- %d%n", id, level);
        client.publish("haste/" + id + "/control/level/set", new MqttMessage(Integer.toString(level).getBytes(StandardCharsets.UTF_8)))
                .waitForCompletion(5000);
        for (int i = 0; i < 200 && levelState.get() != level; i++) {
            Thread.sleep(25);
        }
        DemoStats haste = pass(out, "pass 2: level " + level + " (HASTE)", current, running, client, source, id, cameras, rate, sentAt);
        out.println(haste.against(dense));
        out.println(streamReuse(running.gateway().engine().details(level).get("stream_reuse")));
        client.disconnect().waitForCompletion(5000);
        client.close();
        running.stop();
        System.exit(0);
    }

    /** One line on how the level's frames used stream reuse (the gateway's /status figures). */
    @SuppressWarnings("unchecked")
    private static String streamReuse(Object status) {
        Map<String, Object> s = (Map<String, Object>) status;
        if (s == null || !Boolean.TRUE.equals(s.get("enabled"))) {
            return "demo: stream reuse off: the demo's cameras send unrelated test images, not streams of one scene (STREAM_REUSE=true "
                    + "turns it on; camera-like clips: benchmarks/haste-stream-bench.sh)";
        }
        Map<String, Object> causes = (Map<String, Object>) s.get("refreshes");
        String refreshes = causes.entrySet().stream().filter(e -> ((Number) e.getValue()).longValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        return String.format(Locale.ROOT, "demo: stream reuse: %s of %s HASTE frames reused their camera's buckets and merged filters "
                        + "(refreshes: %s); state kept: %.1f MB for %s cameras (the frames are unrelated test images, not a camera's "
                        + "stream: reuse is measured on camera-like clips in benchmarks/results/stream-*.md)",
                s.get("reused"), s.get("frames"), refreshes.isEmpty() ? "none" : refreshes, ((Number) s.get("state_bytes")).longValue() / 1e6,
                s.get("cameras_with_state"));
    }

    /**
     * The bundled model made HASTE-enabled: each level a MACs budget, the per-layer schedule searched
     * on {@code frames} (unlabelled: no label is read).
     */
    private static TransformResult transform(Path model, ModelCard card, List<FloatTensor> frames, String source, BudgetOptions budget,
                                             PrintStream out) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        RuntimeOptions runtime = RuntimeOptions.of(1);
        ModelProto onnx = OnnxModels.read(model);
        BudgetTransform.Outcome o = new BudgetTransform(env, runtime, new ScheduleSearch(env, runtime, (done, total) -> { }))
                .transform(onnx, InputShape.batchOne(onnx, card), HasteOptions.defaults(), card, frames, source, budget);
        out.println("demo: schedule " + o.transform().info().scheduleOrigin());
        for (int l = 1; l < o.search().schedule().levels(); l++) {
            out.printf(Locale.ROOT, "demo:   level %d: budget %.0f %% of the dense MACs, predicted %.1f %%%n", l,
                    100 * budget.budgets().get(l - 1), 100 * o.search().predicted()[l]);
        }
        return o.transform();
    }

    /** Sends every frame once at the level in use, prints a live line per second and the pass's summary; its statistics. */
    private static DemoStats pass(PrintStream out, String title, AtomicReference<DemoStats> current, Main.Running running,
                                  MqttAsyncClient client, DirectoryFrameSource source, String id, int cameras, double rate,
                                  Map<String, Long> sentAt) throws Exception {
        out.println("demo: " + title);
        DemoStats stats = new DemoStats();
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
        double dropped = sendAll(stats, running, client, source, id, cameras, rate, sentAt);
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
    private static double sendAll(DemoStats stats, Main.Running running, MqttAsyncClient client, DirectoryFrameSource source, String id,
                                  int cameras, double rate, Map<String, Long> sentAt) throws Exception {
        double droppedBefore = running.gateway().metrics().total("haste_frames_dropped");
        source.publish(client, camera -> "haste/" + id + "/cameras/cam" + camera + "/frames", cameras, rate, sentAt);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && stats.answered() + running.gateway().metrics().total("haste_frames_dropped") - droppedBefore < source.size()) {
            Thread.sleep(50);
        }
        return running.gateway().metrics().total("haste_frames_dropped") - droppedBefore;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
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
                String folder = frameId.substring(0, frameId.indexOf('/'));
                Integer truth = folder.matches("\\d+") ? Integer.valueOf(folder) : null;
                stats.get().prediction(sent == null ? Double.NaN : (now - sent) / 1e6, p.path("latency_ms").path("inference").asDouble(), truth,
                        p.path("top").get(0).path("index").asInt(), p.path("macs").path("executed").asDouble(),
                        p.path("macs").path("reduction").asDouble(), p.path("level").asInt(), new DemoStats.Energy(
                                p.path("energy").path("millijoules").asDouble(Double.NaN), p.path("energy").path("dense_millijoules").asDouble(Double.NaN),
                                p.path("energy").path("method").asText()));
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
