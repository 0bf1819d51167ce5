package io.hastegw.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.LocalHttp;
import io.hastegw.daemon.LocalMosquitto;
import io.hastegw.daemon.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hostile plugins, one at a time (not a test; benchmarks/hostile-plugin-bench.sh): for each, an
 * operator post-processor built here that misbehaves only on frames of camera {@code evil}; the
 * gateway (the unit's JVM flags, default plugin settings, ResNet-20) on the local Mosquitto gets
 * 10 frames/s from camera {@code good} and 10 frames/s from {@code evil} for the given seconds.
 * One row per plugin: the good camera's frames predicted, whether the gateway process is still up
 * (or its exit status), the plugin's state and reason in /status; when the process ended, it is
 * started again once (as systemd's Restart=always would) and the plugin's state there.
 */
public final class HostilePluginBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What each hostile plugin does on a frame of camera evil (Java statements before {@code return labels;}). */
    private static final Map<String, String> PLUGINS = new LinkedHashMap<>();

    static {
        PLUGINS.put("throws in its stage", "throw new IllegalStateException(\"evil\");");
        PLUGINS.put("throws on every other evil frame", "if (frame.frameId().hashCode() % 2 == 0) throw new IllegalStateException(\"odd\");");
        PLUGINS.put("hangs, ignoring interrupts", "while (true) { try { Thread.sleep(1000); } catch (InterruptedException ignored) { } }");
        PLUGINS.put("sleeps 2 s per frame", "try { Thread.sleep(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }");
        PLUGINS.put("calls System.exit(0)", "System.exit(0);");
        PLUGINS.put("calls Runtime.halt(1)", "Runtime.getRuntime().halt(1);");
        PLUGINS.put("fills the heap", "List<long[]> hoard = new ArrayList<>(); while (true) { hoard.add(new long[1 << 20]); }");
        PLUGINS.put("starts 10,000 threads (once)", "synchronized (List.class) { if (System.getProperty(\"spawned\") == null) {"
                + " System.setProperty(\"spawned\", \"1\"); for (int i = 0; i < 10_000; i++) { Thread t = new Thread(() -> { try {"
                + " Thread.sleep(600_000); } catch (InterruptedException e) { } }); t.setDaemon(true); t.start(); } } }");
        PLUGINS.put("allocates 2 GiB of native memory (once)", "synchronized (List.class) { if (System.getProperty(\"native\") == null) {"
                + " System.setProperty(\"native\", \"1\"); try { java.lang.reflect.Field f = Class.forName(\"sun.misc.Unsafe\")"
                + ".getDeclaredField(\"theUnsafe\"); f.setAccessible(true); Object u = f.get(null); java.lang.reflect.Method alloc ="
                + " u.getClass().getMethod(\"allocateMemory\", long.class); java.lang.reflect.Method set = u.getClass().getMethod("
                + "\"setMemory\", long.class, long.class, byte.class); for (int i = 0; i < 32; i++) { long a = (Long) alloc.invoke(u,"
                + " 64L << 20); set.invoke(u, a, 64L << 20, (byte) 1); } } catch (ReflectiveOperationException e) { throw new"
                + " IllegalStateException(e); } } }");
        PLUGINS.put("reaches for the daemon's classes (system class loader, its context's loader)", "for (ClassLoader l : new ClassLoader[] {"
                + " ClassLoader.getSystemClassLoader(), context.getClass().getClassLoader() }) { try { l.loadClass(\"io.hastegw.daemon.Main\");"
                + " throw new IllegalStateException(\"ESCAPED: loaded io.hastegw.daemon.Main through \" + l); } catch (ClassNotFoundException"
                + " hidden) { } }");
        PLUGINS.put("spins 4 threads on the CPU (once)", "synchronized (List.class) { if (System.getProperty(\"spun\") == null) {"
                + " System.setProperty(\"spun\", \"1\"); for (int i = 0; i < 4; i++) { Thread t = new Thread(() -> { long x = 0; while (true) {"
                + " x += System.nanoTime() % 7; } }); t.setDaemon(true); t.start(); } } }");
        PLUGINS.put("writes to stdout in a loop", "while (true) { System.out.println(\"evil output \" + System.nanoTime()); }");
    }

    private HostilePluginBench() {}

    /**
     * {@code --jar JAR --shared DIR --seconds S --isolation process|in-process [--only TEXT] [--set KEY=VALUE]} (only the
     * plugins whose row contains TEXT; one more gateway setting, e.g. {@code plugins.host.cpu_percent=0}).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchSupport.args(args);
        Path jar = Path.of(a.get("jar"));
        Path shared = Path.of(a.getOrDefault("shared", "../shared"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "60"));
        String isolation = a.getOrDefault("isolation", "process");
        String only = a.getOrDefault("only", "");
        byte[] jpeg = Files.readAllBytes(shared.resolve("data/cifar10-jpeg/test/cat/0001.jpg"));
        Path tmp = Files.createTempDirectory("haste-hostile-plugins");
        System.out.printf(Locale.ROOT, "hostile plugins, one at a time, isolation: %s: camera good and camera evil at "
                + "10 frames/s each for %d s; the unit's JVM flags; default plugins.* settings%n%n", isolation, seconds);
        System.out.printf(Locale.ROOT, "| the plugin, on evil's frames | good's frames predicted | gateway process | plugin in /status | after a "
                + "restart |%n|---|---|---|---|---|%n");
        try {
            int n = 0;
            for (Map.Entry<String, String> p : PLUGINS.entrySet()) {
                if (!p.getKey().contains(only)) {
                    continue;
                }
                Path dir = Files.createDirectories(tmp.resolve("case" + n++).resolve("plugins")).getParent();
                TestPlugins.postProcessor(dir.resolve("plugins").resolve("hostile.jar"), "hostile",
                        "if (frame.cameraId().equals(\"evil\")) { " + p.getValue() + " }\nreturn labels;", List.of());
                System.out.println(row(p.getKey(), new Run(jar, shared, dir, isolation, a.getOrDefault("set", "")), jpeg, seconds));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** One gateway's set-up: its jar, the shared data, its folder, the plugin's isolation, one more setting (key=value) or "". */
    private record Run(Path jar, Path shared, Path dir, String isolation, String extra) {}

    private static String row(String what, Run run, byte[] jpeg, int seconds) throws Exception {
        String id = "hp" + UUID.randomUUID().toString().substring(0, 6);
        int port = LocalMosquitto.freePort();
        Process gateway = start(run, id, port);
        try (BenchClient client = new BenchClient("haste/" + id + "/#")) {
            if (!client.online.await(120, TimeUnit.SECONDS)) {
                return "| " + what + " | gateway did not start | | | |";
            }
            long interval = 100_000_000L;
            long begin = System.nanoTime();
            for (int i = 0; i < seconds * 10; i++) {
                long wait = begin + i * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                client.publish("haste/" + id + "/cameras/good/frames", jpeg, "good-" + i);
                client.publish("haste/" + id + "/cameras/evil/frames", jpeg, "evil-" + i);
            }
            Thread.sleep(3_000);
            long good = client.received().keySet().stream().filter(k -> k.startsWith("good-")).count();
            String process = gateway.isAlive() ? "up" : "ended, status " + gateway.exitValue();
            String state = gateway.isAlive() ? pluginState(port) : "";
            String after = "";
            if (!gateway.isAlive()) {
                Process again = start(run, id, port);
                try {
                    waitHttp(port);
                    after = pluginState(port);
                } finally {
                    BenchSupport.stop(again, 30);
                }
            }
            client.clearRetained(id);
            return String.format(Locale.ROOT, "| %s | %d of %d (%.1f %%) | %s | %s | %s |", what, good, seconds * 10, 10.0 * good / seconds, process,
                    state, after);
        } finally {
            BenchSupport.stop(gateway, 30);
        }
    }

    private static Process start(Run run, String id, int port) throws Exception {
        Path dir = run.dir();
        Path models = run.shared().resolve("models/cifar10-resnet-akamaster");
        Path javaTmp = Files.createDirectories(dir.resolve("java-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms64m", "-Xmx384m",
                "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + javaTmp, "-jar", run.jar().toString()));
        for (String s : List.of("gateway_id=" + id, "mqtt.host=127.0.0.1", "model.path=" + models.resolve("resnet20.onnx"),
                "model.card=" + models.resolve("resnet20.json"), "model.cost_cache=" + dir.resolve("cost"), "plugins.dir=" + dir.resolve("plugins"),
                "plugins.settings.hostile.enabled=true", "plugins.settings.hostile.isolation=" + run.isolation(), "plugins.state_dir=" + dir.resolve("state"), "http.enabled=true", "http.port=" + port)) {
            cmd.addAll(List.of("--set", s));
        }
        if (!run.extra().isEmpty()) {
            cmd.addAll(List.of("--set", run.extra()));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
    }

    private static void waitHttp(int port) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                LocalHttp.get(port, "/health");
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
    }

    /** The hostile plugin's state and reason, from /status. */
    private static String pluginState(int port) throws Exception {
        for (JsonNode p : JSON.readTree(LocalHttp.get(port, "/status")).path("plugins")) {
            if ("hostile".equals(p.path("id").asText())) {
                String reason = p.path("reason").asText("");
                return p.path("state").asText() + (reason.isEmpty() ? "" : ": " + (reason.length() > 160 ? reason.substring(0, 160) + "..." : reason));
            }
        }
        return "absent";
    }
}
