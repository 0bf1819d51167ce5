package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.plugin.PluginSafety;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash attribution of in-process plugins, on forked gateways (the test's classpath, the real
 * Mosquitto, ResNet-20, a plugin jar built here): a plugin that halts or exits the process on a
 * frame is named by the call ledger at the next start and quarantined (persisted, a
 * plugin_quarantined event, state quarantined in /status), the gateway runs without it, the
 * shutdown hook names who called exit, and clear-quarantine releases it.
 */
@Tag("broker")
class PluginCrashTest {
    @TempDir
    Path tmp;
    private final String id = "crash" + UUID.randomUUID().toString().substring(0, 6);
    private final List<Process> gateways = new ArrayList<>();
    private MqttTestClient client;

    @AfterEach
    void stop() throws Exception {
        for (Process p : gateways) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (client != null) {
            client.close();
        }
        MqttTestClient.clearRetained(id);
    }

    private List<String> sets(Path plugins) {
        return List.of("gateway_id=" + id, "mqtt.host=127.0.0.1", "model.path=" + TestModels.resnet20(), "model.card=" + TestModels.resnet20Card(),
                "model.cost_plan=false", "control.mode=fixed", "plugins.dir=" + plugins, "plugins.settings.ender.enabled=true",
                "plugins.settings.ender.isolation=in-process" /* crash attribution is for in-process plugins */,
                "plugins.state_dir=" + tmp.resolve("state"));
    }

    /** Forks a gateway and waits until it is online; its output goes to {@code log}. */
    private Process fork(Path plugins, Path log) throws Exception {
        // Its temporary files (ONNX Runtime's native library) in this test's folder: a halted process cleans nothing up.
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-Djava.io.tmpdir=" + javaTmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        sets(plugins).forEach(s -> cmd.addAll(List.of("--set", s)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        gateways.add(p);
        client.await(r -> r.topic().endsWith("/status") && "online".equals(r.json().get("state")), 120);
        return p;
    }

    private Path ender() {
        Path plugins = tmp.resolve("plugins");
        TestPlugins.postProcessor(plugins.resolve("ender.jar"), "ender",
                "if (frame.cameraId().equals(\"halt\")) Runtime.getRuntime().halt(7);\n"
                        + "if (frame.cameraId().equals(\"exit\")) System.exit(0);\nreturn labels;", List.of());
        return plugins;
    }

    private void send(String camera, String frameId) throws Exception {
        client.publish("haste/" + id + "/cameras/" + camera + "/frames", Files.readAllBytes(TestModels.cifar("cat", 0)), "image/jpeg", frameId, null);
    }

    /** Ends the process on a frame of {@code camera}, starts a gateway again and checks the plugin is quarantined there. */
    private Path endThenRestart(String camera, int status) throws Exception {
        Files.createDirectories(tmp.resolve("plugins"));
        Path plugins = ender();
        client = new MqttTestClient("haste/" + id + "/#");
        Process first = fork(plugins, tmp.resolve("first.log"));
        send("cam", "before");
        client.await(r -> r.topic().endsWith("/predictions"), 20);
        send(camera, "fatal");
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the plugin ended the process");
        assertEquals(status, first.exitValue());

        fork(plugins, tmp.resolve("second.log"));
        var event = client.await(r -> r.topic().endsWith("/errors") && "plugin_quarantined".equals(r.json().get("reason")), 30);
        String message = (String) event.json().get("message");
        assertTrue(message.startsWith("plugin 'ender' (" + plugins.resolve("ender.jar") + ") quarantined since "), message);
        assertTrue(message.endsWith(": the gateway's previous run ended without a clean stop (halt, exit, crash or kill) while its "
                + "post-processor 'step' was running; clear it with: haste-gateway clear-quarantine ender, then restart"), message);
        assertTrue(Json.validate("error", event.payload()).isEmpty());
        send(camera, "after");
        client.await(r -> r.topic().endsWith("/predictions") && "after".equals(r.json().get("frame_id")), 20);
        assertTrue(Files.readString(tmp.resolve("state").resolve(PluginSafety.QUARANTINE)).contains("\"ender\""));
        return plugins;
    }

    @Test
    void aPluginThatHaltsTheProcessIsQuarantinedAtTheNextStartAndClearQuarantineReleasesIt() throws Exception {
        endThenRestart("halt", 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("clear-quarantine", "ender"));
        sets(tmp.resolve("plugins")).forEach(s -> args.addAll(List.of("--set", s)));
        int status = Main.start(args.toArray(new String[0]), Map.of(), new PrintStream(out, true), System.err, new AtomicReference<>());
        assertEquals(0, status, out.toString());
        assertEquals("plugin 'ender' released from quarantine (" + tmp.resolve("state").resolve(PluginSafety.QUARANTINE) + "); it loads again at "
                + "the gateway's next start\n", out.toString());
        out.reset();
        assertEquals(4, Main.start(args.toArray(new String[0]), Map.of(), new PrintStream(out, true), System.err, new AtomicReference<>()));
    }

    @Test
    void aPluginThatCallsExitZeroIsNamedByTheShutdownHookAndQuarantined() throws Exception {
        endThenRestart("exit", 0);
        String log = Files.readString(tmp.resolve("first.log"));
        assertTrue(log.contains("the process is exiting: System.exit was called on thread 'plugin-ender-"), log);
        assertTrue(log.contains("in post-processor 'step' of plugin 'ender', at plugin:ender.jar//test.ender.P.lambda"), log);
    }
}
