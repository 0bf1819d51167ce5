package io.hastegw.daemon.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.LocalHttp;
import io.hastegw.daemon.LocalMosquitto;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.onnx.OnnxModels;
import io.hastegw.op.onnx.OrtModels;
import io.hastegw.op.transform.HasteOptions;
import io.hastegw.op.transform.HasteTransformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Adaptive-control benchmark (not a test): the gateway runs as its own process on the local
 * Mosquitto with a HASTE model (cost plan and stream reuse on, their defaults) and receives
 * camera streams ({@link BenchWorkload}: a classifier's CIFAR-10 images, or the scene-detector's
 * camera clips) at a fixed total rate. Under the same CPU hog (busy-loop processes per core) it
 * measures, in one run, p95 latency, frames/s, frames not answered (dropped or shed) and top-1 or
 * mAP@0.5 with {@code fixed 0}, {@code fixed max} and {@code auto}; unloaded, {@code fixed 0} for
 * reference and {@code auto} (which must stay low when the board has headroom), also with the
 * cameras sending one frame a second each at the same instant (bursts: queueing that is not load). Also the gateway's own cost: its
 * saturated frames/s (MQTT in, decode, inference, publish) against a bare ONNX Runtime loop on
 * the same model, level 0 and one thread. Usage: benchmarks/adaptive-bench.sh.
 */
public final class AdaptiveBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private AdaptiveBenchmark() {}

    /** Where the phases' frames and commands go: the client, the gateway's id, its HTTP port, its control topic. */
    private record Target(BenchClient client, String id, int port, String set) {}

    /**
     * The frames of a phase: {@code cameras} cameras of {@code work} at {@code rate} frames/s in
     * total, spread evenly in time, or, {@code simultaneous}, each camera's frame at the same instant.
     */
    private record Load(BenchWorkload work, int cameras, double rate, boolean simultaneous) {}

    /** One measured phase. */
    private record Phase(String name, int sent, int answered, double framesPerSecond, double p95Client, double p95Gateway, double p95Inference,
                         double score, long shed, long dropped, String levels) {}

    /**
     * {@code --jar JAR --shared DIR --model vgg11bn|detector [--clips DIR] [--haste FILE] [--max-level L] --rate FPS --cameras C
     * --settle S --seconds S --hog-per-core N [--gateway-nice N]}: {@code --model detector} runs the shared scene-detector on the
     * clips of {@code --clips} (a folder {@code haste-op scenes --clips} wrote; decoded at score 0.01, at most 300 boxes, as mAP is
     * measured), {@code --rate 0} there means the bare loop's frames/s (what saturates one core dense); {@code --gateway-nice} the
     * gateway process's niceness against the hog (the unit's {@code Nice=}; default 0, equal priority); {@code --haste} a HASTE
     * model made beforehand (default: the default transform, made here); {@code --max-level} the highest level auto may use
     * (default: the model's highest).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchSupport.args(args);
        Path jar = Path.of(a.get("jar"));
        Path shared = Path.of(a.getOrDefault("shared", "../shared"));
        String model = a.getOrDefault("model", "vgg11bn");
        double rate = Double.parseDouble(a.getOrDefault("rate", "150"));
        int cameras = Integer.parseInt(a.getOrDefault("cameras", "4"));
        int settle = Integer.parseInt(a.getOrDefault("settle", "30"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
        int hogPerCore = Integer.parseInt(a.getOrDefault("hog-per-core", "1"));
        int nice = Integer.parseInt(a.getOrDefault("gateway-nice", "0"));
        int maxLevel = Integer.parseInt(a.getOrDefault("max-level", "-1"));
        BenchWorkload work = model.equals("detector") ? BenchWorkload.detector(shared, Path.of(a.get("clips")))
                : BenchWorkload.classifier(shared, model, cameras, 100);
        Path onnx = work.onnx();
        Path cardFile = work.card();
        ModelCard card = ModelCard.read(cardFile);
        Path tmp = Files.createTempDirectory("haste-adaptive");
        try {
            Path hasteModel = a.containsKey("haste") ? Path.of(a.get("haste")) : tmp.resolve(model + "-haste.onnx");
            if (!a.containsKey("haste")) {
                OnnxModels.write(new HasteTransformer(OrtEnvironment.getEnvironment()).transform(OnnxModels.read(onnx),
                        io.hastegw.op.analysis.InputShape.batchOne(OnnxModels.read(onnx), card), HasteOptions.defaults()).model(), hasteModel);
            }
            String id = "adapt" + UUID.randomUUID().toString().substring(0, 6);
            int httpPort = LocalMosquitto.freePort();
            // The gateway's scheduling priority against the hog: the unit's Nice= (0: equal priority).
            List<String> command = new ArrayList<>(nice == 0 ? List.of() : List.of("nice", "-n", String.valueOf(nice)));
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                    "--set", "gateway_id=" + id, "--set", "mqtt.host=127.0.0.1", "--set", "model.path=" + hasteModel,
                    "--set", "model.card=" + cardFile, "--set", "model.cost_cache=" + tmp.resolve("cost"),
                    "--set", "control.mode=fixed", "--set", "model.level=0", "--set", "pipeline.workers=1",
                    "--set", "control.max_level=" + maxLevel,
                    "--set", "http.enabled=true", "--set", "http.port=" + httpPort));
            if (card.detector()) {
                command.addAll(List.of("--set", "detection.score_threshold=" + ModelCard.DetectionDefaults.MAP_SCORE_THRESHOLD,
                        "--set", "detection.max_detections=" + ModelCard.DetectionDefaults.MAP_MAX_DETECTIONS));
            }
            Process gateway = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.log").toFile()).start();
            try (BenchClient client = new BenchClient("haste/" + id + "/#", card.detector())) {
                if (!client.online.await(15, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("gateway not online: " + Files.readString(tmp.resolve("gateway.log")));
                }
                JsonNode control = JSON.readTree(LocalHttp.get(httpPort, "/status")).path("control");
                int levels = JSON.readTree(LocalHttp.get(httpPort, "/status")).path("levels").asInt();
                int max = maxLevel < 0 ? levels - 1 : maxLevel;
                double bare = bareLoop(onnx, card, work.all());
                if (rate <= 0) {
                    rate = bare;
                }
                System.out.printf(Locale.ROOT, "## Adaptive control under a CPU hog: %s, HASTE model %s, %d cores%n%n", work.name(),
                        a.containsKey("haste") ? hasteModel + " (auto up to level " + max + ")" : "of the default transform",
                        Runtime.getRuntime().availableProcessors());
                System.out.printf(Locale.ROOT, "gateway: 1 worker, 1 intra-op thread, cost plan and stream reuse on; %d cameras at %.1f frames/s "
                        + "in total (%s); hog: %d busy-loop processes per core; gateway niceness %d (the hog's: 0); settle %d s, then %d s "
                        + "measured per mode; latency target %.1f ms (%s); dense %.3f ms; ladder %s%n%n",
                        cameras, rate, work.description(), hogPerCore, nice, settle, seconds, control.path("settings").path("latency_target_ms").asDouble(),
                        control.path("latency_target").asText(), control.path("dense_ms").asDouble(), control.path("ladder"));
                Target to = new Target(client, id, httpPort, "haste/" + id + "/control/set");
                Load load = new Load(work, cameras, rate, false);
                // Bursts on an idle board: every camera sends at the same instant, once a second; waiting behind each other is not
                // load, so auto must stay at its minimum and shed nothing. First, before any load has raised a level or filled the
                // controller's window with drops; later again, after an overload, where auto must give back what the load made it take.
                Load bursts = new Load(work, cameras, cameras, true);
                String burstName = "auto, no hog, " + cameras + " cameras at 1 frame/s at the same instant";
                List<Phase> phases = new ArrayList<>();
                System.out.printf(Locale.ROOT, "before the first row: %.0f s until the board was idle (under 20 %% CPU for 3 s; the gateway measures "
                        + "its cost plan at start)%n%n", waitIdle(httpPort));
                phases.add(phase(to, "{\"mode\": \"auto\"}", burstName + " (first)", bursts, settle, seconds));
                client.command(to.set(), "{\"mode\": \"fixed\", \"level\": 0}");
                double capacity = capacity(to, new Load(work, cameras, bare, false));
                System.out.printf(Locale.ROOT, "%ngateway's own cost, unloaded, level 0: the gateway's most frames/s (MQTT in, decode, inference, "
                        + "publish; highest answered rate of the sweep above) %.1f vs a bare ONNX Runtime loop %.1f frames/s (same model, level 0, "
                        + "1 thread, preprocessed tensors): %.1f %%%n%n", capacity, bare, 100 * capacity / bare);
                phases.add(phase(to, "{\"mode\": \"fixed\", \"level\": 0}", "fixed 0, no hog", load, settle, seconds));
                phases.add(phase(to, "{\"mode\": \"auto\"}", "auto, no hog", load, settle, seconds));
                phases.add(phase(to, "{\"mode\": \"auto\"}", burstName + " (after the row above)", bursts, settle, seconds));
                List<Process> hog = new ArrayList<>();
                try {
                    for (int i = 0; i < hogPerCore * Runtime.getRuntime().availableProcessors(); i++) {
                        hog.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
                    }
                    phases.add(phase(to, "{\"mode\": \"fixed\", \"level\": 0}", "fixed 0, hog", load, settle, seconds));
                    phases.add(phase(to, "{\"mode\": \"fixed\", \"level\": " + max + "}", "fixed " + max + ", hog", load, settle, seconds));
                    phases.add(phase(to, "{\"mode\": \"auto\"}", "auto, hog", load, settle, seconds));
                } finally {
                    hog.forEach(Process::destroy);
                }
                double target = control.path("settings").path("latency_target_ms").asDouble();
                Phase reference = phases.stream().filter(p -> p.name().equals("fixed 0, no hog")).findFirst().orElseThrow();
                System.out.println("| mode | frames sent | answered | frames/s | p95 ms (gateway) | within target | p95 inference ms | p95 ms (client) "
                        + "| " + work.scoreName() + " | vs fixed 0 unloaded | shed | dropped | levels run (frames) |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                for (Phase p : phases) {
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %s | %.1f | %.1f | %.2f %% | %+.2f pp | %d | %d | %s |%n", p.name(),
                            p.sent(), p.answered(), p.framesPerSecond(), p.p95Gateway(), p.p95Gateway() <= target ? "yes"
                                    : String.format(Locale.ROOT, "no (%.1fx)", p.p95Gateway() / target), p.p95Inference(), p.p95Client(), 100 * p.score(),
                            100 * (p.score() - reference.score()), p.shed(), p.dropped(), p.levels());
                }
                System.out.println("\np95 (gateway): arrival at the gateway to publication, from each prediction's latency_ms.total, the figure "
                        + "the latency policy holds under its target; p95 inference: the model run alone (latency_ms.inference); p95 (client): publish to prediction received by this benchmark's client, "
                        + "which shares the hogged cores.");
                JsonNode after = JSON.readTree(LocalHttp.get(httpPort, "/status")).path("control");
                System.out.printf(Locale.ROOT, "%nauto's state at the end: level %d, shed every %d, %d changes, last reason: %s%n",
                        after.path("level").asInt(), after.path("shed_every").asInt(), after.path("changes").asInt(), after.path("reason").asText());
            } finally {
                BenchSupport.stop(gateway, 30);
                try (BenchClient cleaner = new BenchClient("haste/" + id + "/none")) {
                    cleaner.clearRetained(id);
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Waits (at most 3 minutes) until the board's CPU, as the gateway reads it, stays under 20 % for 3 s; returns the seconds waited. */
    private static double waitIdle(int port) throws Exception {
        long start = System.nanoTime();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(3)) {
            Thread.sleep(1000);
            double cpu = JSON.readTree(LocalHttp.get(port, "/status")).path("load").path("board_cpu").asDouble(1);
            quiet = cpu < 0.2 ? quiet + 1 : 0;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Frames per second of a plain ONNX Runtime session of {@code onnx} (1 thread, all optimisations), on preprocessed tensors. */
    private static double bareLoop(Path onnx, ModelCard card, List<BenchWorkload.Shot> shots) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Preprocessor pre = new Preprocessor(card);
        List<FloatTensor> inputs = new ArrayList<>();
        for (BenchWorkload.Shot s : shots.subList(0, Math.min(200, shots.size()))) {
            inputs.add(pre.load(s.file()));
        }
        try (OrtSession.SessionOptions o = OrtModels.options(1);
             OrtSession session = env.createSession(OnnxModels.read(onnx).toByteArray(), o)) {
            // About 20 s of runs whatever the model costs: time a few first.
            long probe = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                try (OnnxTensor t = inputs.get(i % inputs.size()).toOnnx(env); OrtSession.Result r = session.run(Map.of(card.input().name(), t))) {
                    r.get(0);
                }
            }
            int runs = (int) Math.max(50, Math.min(2000, 20e9 / ((System.nanoTime() - probe) / 5.0)));
            long start = 0;
            for (int i = -runs / 10; i < runs; i++) {
                if (i == 0) {
                    start = System.nanoTime();
                }
                try (OnnxTensor t = inputs.get(Math.floorMod(i, inputs.size())).toOnnx(env);
                     OrtSession.Result r = session.run(Map.of(card.input().name(), t))) {
                    r.get(0);
                }
            }
            return runs / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The gateway's most frames per second at level 0, unloaded: camera streams at rising rates
     * (0.6 to 1.5 times the bare loop's) for 8 s each (past saturation the queues drop the oldest
     * frames); the highest answered rate.
     */
    private static double capacity(Target to, Load bare) throws Exception {
        double best = 0;
        System.out.println("| offered frames/s (fixed 0, no hog) | answered frames/s | dropped |");
        System.out.println("|---|---|---|");
        for (double share : new double[] {0.6, 0.9, 1.2, 1.5}) {
            double rate = share * bare.rate();
            Phase p = phase(to, "{\"mode\": \"fixed\", \"level\": 0}", "sweep " + rate, new Load(bare.work(), bare.cameras(), rate, false), 2, 8);
            System.out.printf(Locale.ROOT, "| %.0f | %.1f | %d |%n", rate, p.framesPerSecond(), p.dropped());
            best = Math.max(best, p.framesPerSecond());
        }
        return best;
    }

    /** Sets {@code command}, sends camera streams for {@code settle} s unmeasured, then {@code seconds} s measured. */
    private static Phase phase(Target to, String command, String name, Load load, int settle, int seconds) throws Exception {
        BenchClient client = to.client();
        int port = to.port();
        int cameras = load.cameras();
        BenchWorkload work = load.work();
        client.command(to.set(), command);
        long interval = (long) (1e9 / load.rate());
        int settleFrames = (int) (settle * load.rate());
        int frames = (int) (seconds * load.rate());
        double shedBefore = 0;
        double droppedBefore = 0;
        long start = System.nanoTime();
        List<String> measured = new ArrayList<>();
        Map<String, Integer> shotOf = new java.util.HashMap<>();
        for (int i = 0; i < settleFrames + frames; i++) {
            if (i == settleFrames) {
                client.reset();
                shedBefore = BenchSupport.metric(port, "haste_frames_shed_total");
                droppedBefore = BenchSupport.metric(port, "haste_frames_dropped_total");
            }
            long wait = start + (load.simultaneous() ? (long) (i / cameras) * cameras : i) * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int camera = i % cameras;
            int step = i / cameras;
            BenchWorkload.Shot shot = work.next(camera, step);
            String frameId = name + "-" + i;
            client.publish("haste/" + to.id() + "/cameras/cam" + camera + "/frames", shot.jpeg(), frameId);
            if (i >= settleFrames) {
                measured.add(frameId);
                shotOf.put(frameId, shot.index());
            }
        }
        long end = System.nanoTime();
        client.waitFor(frames, 2_000);
        Map<String, BenchClient.Received> got = client.received();
        double[] lat = client.latenciesMs();
        Arrays.sort(lat);
        double[] gw = got.values().stream().mapToDouble(BenchClient.Received::gatewayMs).sorted().toArray();
        double[] inference = got.values().stream().mapToDouble(BenchClient.Received::inferenceMs).sorted().toArray();
        Map<Integer, Long> byLevel = new TreeMap<>();
        got.values().forEach(r -> byLevel.merge(r.level(), 1L, Long::sum));
        return new Phase(name, measured.size(), got.size(), got.size() / ((end - start) / 1e9 - settle), BenchSupport.pct(lat, 0.95),
                BenchSupport.pct(gw, 0.95), BenchSupport.pct(inference, 0.95), work.score().of(got, shotOf),
                Math.round(BenchSupport.metric(port, "haste_frames_shed_total") - shedBefore),
                Math.round(BenchSupport.metric(port, "haste_frames_dropped_total") - droppedBefore), byLevel.toString());
    }
}
