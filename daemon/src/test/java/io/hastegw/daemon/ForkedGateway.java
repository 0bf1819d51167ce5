package io.hastegw.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Test support: the gateway in a JVM of its own (its Main on the test class path), with the JVM
 * flags a test chooses, e.g. those of the systemd unit, so that a crash or an exit shows as the
 * process ending; its log goes to a file in the test's temporary folder.
 */
final class ForkedGateway implements AutoCloseable {
    final String id;
    final Process process;
    final Path log;

    /** Starts {@code Main} with {@code jvmFlags} on the real Mosquitto, the given gateway id prefix and {@code --set} values. */
    ForkedGateway(Path tmp, String prefix, List<String> jvmFlags, String... sets) throws IOException {
        id = prefix + UUID.randomUUID().toString().substring(0, 6);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        // Its temporary files where the test JVM keeps its own (the build folder), none in /tmp.
        cmd.addAll(List.of("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-XX:-UsePerfData"));
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "io.hastegw.daemon.Main", "--set", "gateway_id=" + id, "--set", "mqtt.host=127.0.0.1"));
        Arrays.stream(sets).forEach(s -> cmd.addAll(List.of("--set", s)));
        log = tmp.resolve(id + ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The JVM flags of the systemd unit's JAVA_OPTS (heap, GC, exit on OutOfMemoryError), without its state-directory paths. */
    static List<String> unitJvmFlags() throws IOException {
        Path unit = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("systemd/haste-gateway.service");
        String opts = Files.readAllLines(unit).stream().filter(l -> l.startsWith("Environment=JAVA_OPTS=")).findFirst()
                .orElseThrow(() -> new AssertionError("no JAVA_OPTS in " + unit)).substring("Environment=JAVA_OPTS=".length());
        return Arrays.stream(opts.split("\\\\x20")).filter(f -> !f.startsWith("-Djava.io.tmpdir")).toList();
    }

    /** Waits until the gateway says online on {@code client}'s subscription, or fails with its log. */
    ForkedGateway awaitOnline(MqttTestClient client) throws Exception {
        try {
            client.await(r -> r.topic().equals("haste/" + id + "/status") && "online".equals(r.json().get("state")), 60);
        } catch (AssertionError e) {
            throw new AssertionError("gateway never came online:\n" + logText(), e);
        }
        return this;
    }

    String frames(String camera) {
        return "haste/" + id + "/cameras/" + camera + "/frames";
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    /** Sends SIGTERM and waits for the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("gateway did not stop");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
        MqttTestClient.clearRetained(id);
    }
}
