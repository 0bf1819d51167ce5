package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Operator plugins with {@code isolation: process}, each in a host process of its own, beside
 * one real gateway on Mosquitto: a post-processor changes predictions across the boundary; a
 * sink gets every prediction with all its scores and publishes through the gateway (whose topic
 * rules hold across it); a throw fails its frame as in-process; a host that calls
 * {@code System.exit}, exhausts its heap, starts thousands of threads or hangs ignoring
 * interrupts ends only itself: its frame is answered {@code plugin_failed} with the cause, the
 * host is restarted, and the third death within the window quarantines the plugin; the gateway
 * answers every other frame throughout.
 */
@Tag("broker")
class ProcessIsolationTest {
    private static final int BUDGET_MS = 3000;
    private static final Path CPU_CGROUPS = Path.of("/sys/fs/cgroup/cpu");
    private static final List<String> PLUGINS = List.of("relabel", "thrower", "exiter", "hog", "spawner", "stubborn", "copier", "chatty", "offheap",
            "sluggish");
    private static Path dir;
    private static GatewayFixture gateway;
    private static MqttTestClient client;
    private static int httpPort;
    private static final List<String> QUARANTINED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-process-test");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        TestPlugins.postProcessor(plugins.resolve("relabel.jar"), "relabel",
                "return labels.stream().map(l -> new ScoredLabel(l.index(), \"seen:\" + l.label(), l.score())).toList();", List.of());
        TestPlugins.postProcessor(plugins.resolve("thrower.jar"), "thrower",
                "if (frame.cameraId().equals(\"boom\")) throw new IllegalStateException(\"boom\"); return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("exiter.jar"), "exiter",
                "if (frame.cameraId().equals(\"exit\")) System.exit(0); return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("hog.jar"), "hog",
                "if (frame.cameraId().equals(\"hog\")) { List<byte[]> all = new ArrayList<>(); while (true) all.add(new byte[1 << 20]); }"
                        + " return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("spawner.jar"), "spawner",
                "if (frame.cameraId().equals(\"threads\")) { for (int i = 0; i < 10_000; i++) { Thread t = new Thread(() -> {"
                        + " try { Thread.sleep(600_000); } catch (InterruptedException e) { } }); t.setDaemon(true); t.start(); } }"
                        + " return labels;", List.of());
        TestPlugins.postProcessor(plugins.resolve("stubborn.jar"), "stubborn",
                "if (frame.cameraId().equals(\"stuck\")) { long end = System.nanoTime() + 60_000_000_000L; while (System.nanoTime() < end) {"
                        + " try { Thread.sleep(100); } catch (InterruptedException ignored) { } } } return labels;", List.of());
        // Allocates native memory, 64 MiB at a time, up to 1 GiB (more than plugins.host.max_rss_mb 384).
        TestPlugins.postProcessor(plugins.resolve("offheap.jar"), "offheap",
                "if (frame.cameraId().equals(\"native\")) { try { java.lang.reflect.Field f = Class.forName(\"sun.misc.Unsafe\")"
                        + ".getDeclaredField(\"theUnsafe\"); f.setAccessible(true); Object u = f.get(null); java.lang.reflect.Method alloc ="
                        + " u.getClass().getMethod(\"allocateMemory\", long.class); java.lang.reflect.Method set = u.getClass().getMethod("
                        + "\"setMemory\", long.class, long.class, byte.class); for (int i = 0; i < 16; i++) { long a = (Long) alloc.invoke(u,"
                        + " 64L << 20); set.invoke(u, a, 64L << 20, (byte) 1); } } catch (java.lang.reflect.InvocationTargetException e) {"
                        + " throw (Error) e.getCause(); } catch (ReflectiveOperationException e) { throw new IllegalStateException(e); } }"
                        + " return labels;", List.of());
        TestPlugins.plugin(plugins.resolve("copier.jar"), "copier", "test.copier.P", Map.of("test.copier.P", """
                package test.copier;
                import io.hastegw.plugin.api.*;
                import java.nio.charset.StandardCharsets;
                import java.util.Map;
                public final class P implements Plugin {
                  public void init(PluginContext c, Extensions e) {
                    e.predictionSink("copy", p -> {
                      String text = p.cameraId() + " " + p.frameId() + " scores=" + p.result().scores().length + " top=" + p.top().get(0).label();
                      c.mqtt().publish("haste/" + c.gatewayId() + "/copies", text.getBytes(StandardCharsets.UTF_8), 0, false, Map.of(), null, null);
                      if (p.cameraId().equals("forge")) {
                        try {
                          c.mqtt().publish("haste/" + c.gatewayId() + "/errors", new byte[0], 0, false, Map.of(), null, null);
                        } catch (IllegalArgumentException refused) {
                          c.mqtt().publish("haste/" + c.gatewayId() + "/copies", ("refused: " + refused.getMessage()).getBytes(StandardCharsets.UTF_8),
                              0, false, Map.of(), null, null);
                        }
                      }
                    });
                  }
                }
                """), List.of());
        TestPlugins.plugin(plugins.resolve("chatty.jar"), "chatty", "test.chatty.P", Map.of("test.chatty.P", """
                package test.chatty;
                import io.hastegw.plugin.api.*;
                public final class P implements Plugin {
                  public void init(PluginContext c, Extensions e) { }
                  public void start() {
                    Thread t = new Thread(() -> { while (true) { System.out.println("chatty line"); } });
                    t.setDaemon(true);
                    t.start();
                  }
                }
                """), List.of());
        // A compression policy whose host takes 1.5 s to create it (within the 3 s budget).
        TestPlugins.plugin(plugins.resolve("sluggish.jar"), "sluggish", "test.sluggish.P", Map.of("test.sluggish.P", """
                package test.sluggish;
                import io.hastegw.plugin.api.*;
                public final class P implements Plugin {
                  public void init(PluginContext c, Extensions e) {
                    e.compressionPolicy("sluggish", targets -> {
                      try { Thread.sleep(1500); } catch (InterruptedException x) { Thread.currentThread().interrupt(); }
                      return new CompressionPolicy() {
                        public String name() { return "sluggish"; }
                        public Assessment assess(LoadSignals s) { return new Assessment(Pressure.HOLD, "sluggish judged", 1.0); }
                      };
                    });
                  }
                }
                """), List.of());
        String id = "pi" + UUID.randomUUID().toString().substring(0, 6);
        client = new MqttTestClient("haste/" + id + "/#");
        httpPort = LocalMosquitto.freePort();
        List<String> sets = new ArrayList<>(List.of("gateway_id=" + id, "model.level=2", "control.sample_period_ms=250", "plugins.dir=" + plugins, "plugins.stage_timeout_ms=" + BUDGET_MS,
                "plugins.max_failures=5", "http.enabled=true", "http.port=" + httpPort));
        PLUGINS.forEach(p -> {
            sets.add("plugins.settings." + p + ".enabled=true");
            sets.add("plugins.settings." + p + ".isolation=process");
        });
        gateway = new GatewayFixture(TestModels.hasteResNet20(), sets.toArray(new String[0])).ready();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
        TestPlugins.deleteTree(dir);
        if (Files.isDirectory(CPU_CGROUPS)) {
            try (var groups = Files.list(CPU_CGROUPS)) {
                assertEquals(List.of(), groups.map(g -> g.getFileName().toString()).filter(n -> n.startsWith("haste-" + ProcessHandle.current().pid() + "-"))
                        .toList(), "the plugins' cgroups are removed when the gateway stops");
            }
        }
    }

    private static String topic(String leaf) {
        return "haste/" + gateway.running.config().gatewayId() + "/" + leaf;
    }

    private static void send(String camera, String frameId) throws Exception {
        client.publish(topic("cameras/" + camera + "/frames"), Files.readAllBytes(TestModels.cifar("cat", 0)), "image/jpeg", frameId, null);
    }

    /** The prediction or error event answering {@code frameId}; quarantine events seen meanwhile (they may come first) are kept. */
    private static MqttTestClient.Received answer(String frameId) throws InterruptedException {
        return client.await(r -> {
            if (r.topic().endsWith("/errors") && "plugin_quarantined".equals(r.json().get("reason"))) {
                QUARANTINED.add((String) r.json().get("message"));
            }
            return (r.topic().endsWith("/predictions") || r.topic().endsWith("/errors")) && frameId.equals(r.json().get("frame_id"));
        }, 30);
    }

    /** The plugin_quarantined event of {@code plugin}, seen already or still to come. */
    private static String quarantined(String plugin) throws InterruptedException {
        String prefix = "plugin '" + plugin + "' quarantined: ";
        for (String m : QUARANTINED) {
            if (m.startsWith(prefix)) {
                return m;
            }
        }
        return (String) client.await(r -> r.topic().endsWith("/errors") && "plugin_quarantined".equals(r.json().get("reason"))
                && ((String) r.json().get("message")).startsWith(prefix), 30).json().get("message");
    }

    /** A good camera's frame is predicted, relabelled by the process-isolated post-processor. */
    @SuppressWarnings("unchecked")
    private static void assertPredicted(String frameId) throws Exception {
        send("good", frameId);
        var p = answer(frameId);
        assertTrue(p.topic().endsWith("/cameras/good/predictions"), p.topic() + " " + new String(p.payload()));
        String label = (String) ((List<Map<String, Object>>) p.json().get("top")).get(0).get("label");
        assertTrue(label.startsWith("seen:"), label);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plugin(String id) throws Exception {
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) LocalHttp.status(httpPort).get("plugins");
        return plugins.stream().filter(p -> id.equals(p.get("id"))).findFirst().orElseThrow();
    }

    @Test
    void aProcessIsolatedPostProcessorChangesThePredictionsAndReportsHealthy() throws Exception {
        assertPredicted("relabel-1");
        assertEquals("running", plugin("relabel").get("state"));
        assertEquals(Boolean.TRUE, plugin("relabel").get("healthy"));
    }

    @Test
    void aSinkGetsEveryScoreAndPublishesThroughTheGatewayWhoseTopicRulesHold() throws Exception {
        send("forge", "forge-1");
        var copy = client.await(r -> r.topic().endsWith("/copies") && new String(r.payload()).startsWith("forge forge-1 "), 30);
        assertEquals("forge forge-1 scores=10 top=seen:cat", new String(copy.payload()).replaceAll("top=seen:\\w+", "top=seen:cat"));
        var refused = client.await(r -> r.topic().endsWith("/copies") && new String(r.payload()).startsWith("refused: "), 30);
        assertTrue(new String(refused.payload()).contains("errors"), new String(refused.payload()));
    }

    @Test
    void aThrowFailsItsFrameAsInProcessAndTheNextGoesThrough() throws Exception {
        send("boom", "boom-1");
        var error = answer("boom-1");
        assertEquals("plugin_failed", error.json().get("reason"));
        assertEquals("post-processor 'step' of plugin 'thrower' failed: java.lang.IllegalStateException: boom", error.json().get("message"));
        assertPredicted("after-boom");
    }

    @Test
    void exitInAHostEndsOnlyTheHostWhichRestartsUntilTheThirdDeathQuarantinesIt() throws Exception {
        for (int i = 0; i < 3; i++) {
            send("exit", "exit-" + i);
            var error = answer("exit-" + i);
            assertEquals("plugin_failed", error.json().get("reason"));
            assertTrue(((String) error.json().get("message")).startsWith("post-processor 'step' of plugin 'exiter' failed: its host process "
                    + "ended during the call: it exited with status 0 (System.exit(0))"), (String) error.json().get("message"));
            if (i < 2) {
                assertPredicted("after-exit-" + i);
            }
            if (i == 0) {
                // After its first death the plugin keeps a spare host (plugins.host.spare: after_death) for the next one.
                awaitMetric("haste_plugin_host_spare{plugin=\"exiter\"} 1.0");
            }
        }
        String event = quarantined("exiter");
        assertTrue(event.contains("its host process died 3 times within 600 s (plugins.host.max_deaths), "
                + "the last time because it exited with status 0"), event);
        assertEquals("quarantined", plugin("exiter").get("state"));
        send("exit", "exit-after");
        assertTrue(answer("exit-after").topic().endsWith("/predictions"), "the quarantined plugin is skipped");
        awaitMetric("haste_plugin_host_spare{plugin=\"exiter\"} 0.0");
    }

    /**
     * Hosts run at plugins.host.nice (10): a plugin spinning on the CPU yields it to the gateway's
     * inference; their data limit (RLIMIT_DATA) is plugins.host.max_rss_mb (384 MiB).
     */
    @Test
    void hostsRunAtTheirNicenessAndDataLimit() throws Exception {
        List<Long> hosts = ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().orElse("").contains("io.hastegw.pluginhost.HostMain")).map(ProcessHandle::pid).toList();
        assertFalse(hosts.isEmpty(), "no host process found");
        assertEquals(List.of(10L), hosts.stream().map(ProcessIsolationTest::niceOf).distinct().toList());
        assertEquals(List.of("Max data size             402653184            402653184            bytes     "),
                hosts.stream().map(ProcessIsolationTest::dataLimitOf).distinct().toList());
    }

    /** Where the gateway can write its cgroup (here: cgroup v1's cpu hierarchy, as root), a plugin's hosts share a group of their own with its quota. */
    @Test
    void aPluginsHostsShareACpuGroupOfTheirOwnCappedAtCpuPercent() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(CPU_CGROUPS), "no writable cgroup v1 cpu hierarchy here");
        Path group;
        try (var groups = Files.list(CPU_CGROUPS)) {
            group = groups.filter(g -> g.getFileName().toString().startsWith("haste-" + ProcessHandle.current().pid() + "-relabel-")).findFirst()
                    .orElseThrow();
        }
        assertEquals("50000", Files.readString(group.resolve("cpu.cfs_quota_us")).strip());
        List<String> members = Files.readAllLines(group.resolve("cgroup.procs"));
        assertEquals(1, members.size(), "the relabel plugin's one host: " + members);
        assertTrue(ProcessHandle.of(Long.parseLong(members.get(0))).orElseThrow().info().commandLine().orElse("").contains("HostMain"));
    }

    /**
     * A native allocation past the data limit fails in the plugin (its frame answered with the
     * error) instead of growing until the watchdog sees it; the host then ends (status 4), which
     * frees what the plugin held, and is restarted.
     */
    @Test
    void aNativeAllocationPastTheDataLimitFailsInThePluginAndItsHostEnds() throws Exception {
        send("native", "native-1");
        assertEquals("post-processor 'step' of plugin 'offheap' failed: java.lang.OutOfMemoryError: Unable to allocate 67108864 bytes",
                answer("native-1").json().get("message"));
        awaitMetric("haste_plugin_host_deaths{plugin=\"offheap\"} 1.0");
        assertPredicted("after-native");
        send("native", "native-2");
        assertEquals("post-processor 'step' of plugin 'offheap' failed: java.lang.OutOfMemoryError: Unable to allocate 67108864 bytes",
                answer("native-2").json().get("message"), "the restarted host runs the plugin again");
    }

    private static String dataLimitOf(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits")).stream().filter(l -> l.startsWith("Max data size"))
                    .findFirst().orElse("none");
        } catch (java.io.IOException e) {
            return "ended";
        }
    }

    private static long niceOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (java.io.IOException e) {
            return -1; // ended meanwhile
        }
    }

    private static void awaitMetric(String line) throws InterruptedException {
        for (int i = 0; i < 300 && !gateway.running.gateway().metrics().scrape().contains(line); i++) {
            Thread.sleep(50);
        }
        assertTrue(gateway.running.gateway().metrics().scrape().contains(line), line);
    }

    @Test
    void aHostThatExhaustsItsHeapEndsAloneAndTheGatewayGoesOn() throws Exception {
        send("hog", "hog-1");
        var error = answer("hog-1");
        assertTrue(((String) error.json().get("message")).contains("its heap (plugins.host.heap_mb) was exhausted (exit status 3)"),
                (String) error.json().get("message"));
        assertPredicted("after-hog");
    }

    @Test
    void aHostStartingThousandsOfThreadsIsKilledAtMaxThreads() throws Exception {
        send("threads", "threads-1");
        var error = answer("threads-1");
        assertTrue(((String) error.json().get("message")).contains("killed by the gateway: it ran "), (String) error.json().get("message"));
        assertTrue(((String) error.json().get("message")).contains(" threads, over plugins.host.max_threads 64"), (String) error.json().get("message"));
        assertPredicted("after-threads");
    }

    @Test
    void aHostHangingPastItsBudgetIgnoringInterruptsIsKilledAtMaxStuckCalls() throws Exception {
        for (int i = 0; i < 2; i++) {
            send("stuck", "stuck-" + i);
            assertEquals("post-processor 'step' of plugin 'stubborn' did not return within " + BUDGET_MS + " ms (plugins.stage_timeout_ms)",
                    answer("stuck-" + i).json().get("message"));
        }
        send("stuck", "stuck-2");
        String third = (String) answer("stuck-2").json().get("message");
        assertTrue(third.contains("killed by the gateway: 2 of its calls still ran past their budget (plugins.max_stuck_calls)")
                || third.startsWith("post-processor 'step' of plugin 'stubborn' did not return"), third);
        assertPredicted("after-stuck");
    }

    @Test
    void aHostWritingItsOutputInALoopCostsTheGatewayNothingButDroppedLines() throws Exception {
        Thread.sleep(1000);
        assertPredicted("chatty-1");
        assertEquals("running", plugin("chatty").get("state"));
        String metrics = LocalHttp.get(httpPort, "/metrics");
        assertTrue(metrics.contains("haste_plugin_host_output_dropped_lines{plugin=\"chatty\"}"), "dropped lines are counted");
    }

    /**
     * Selecting a process-isolated policy does not wait for its host on the event loop: the
     * command is acknowledged, the policy holds "being created" while the host's create runs, then
     * judges.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aPolicyInAHostIsCreatedOffTheEventLoopAndHoldsUntilItJudges() throws Exception {
        String control = topic("control/");
        try {
            client.publish(control + "set", "{\"mode\": \"auto\", \"policy\": \"sluggish\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    null, null, null);
            assertEquals(true, client.await(r -> r.topic().equals(control + "ack"), 10).json().get("accepted"));
            List<String> reasons = new ArrayList<>();
            long end = System.nanoTime() + 20_000_000_000L;
            while (!reasons.contains("sluggish judged") && System.nanoTime() < end) {
                Map<String, Object> judged = (Map<String, Object>) ((Map<String, Object>) LocalHttp.status(httpPort).get("control")).get("last_assessment");
                if (judged != null && !reasons.contains((String) judged.get("reason"))) {
                    reasons.add((String) judged.get("reason"));
                }
                Thread.sleep(50);
            }
            assertTrue(reasons.contains("policy 'sluggish' is being created in its plugin host"), reasons.toString());
            assertEquals("sluggish judged", reasons.get(reasons.size() - 1), reasons.toString());
        } finally {
            client.publish(control + "set", "{\"mode\": \"fixed\", \"level\": 2, \"policy\": \"latency\"}".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), null, null, null);
            client.await(r -> r.topic().equals(control + "ack"), 10);
        }
    }
}
