package io.hastegw.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.mqtt.Topics;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The systemd unit (systemd/haste-gateway.service): systemd-analyze accepts it, its exposure is
 * low, and its ExecStart, run exactly as the unit says (user, environment, working directory,
 * command line; paths moved under a scratch root) on the packaged jar, tells a test NOTIFY_SOCKET
 * READY=1 after connecting, feeds the watchdog, and says STOPPING=1 on SIGTERM. An integration
 * test (failsafe): it needs the shaded jar of the package phase.
 */
class SystemdUnitIT {
    private static final Path UNIT = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("systemd/haste-gateway.service");
    private static final Path WRAPPER = Path.of(System.getProperty("haste.repo.dir", "..")).resolve("deploy/package/src/deb/haste-gateway");
    private static Map<String, List<String>> unit;

    @BeforeAll
    static void readUnit() throws IOException {
        unit = new HashMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            Matcher m = Pattern.compile("^([A-Za-z]+)=(.*)$").matcher(line.trim());
            if (m.matches()) {
                unit.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
            }
        }
    }

    private static String one(String key) {
        return unit.get(key).get(0);
    }

    /** Scratch roots made by this test, removed after each test. */
    private final List<Path> roots = new ArrayList<>();

    @AfterEach
    void removeScratchRoots() throws IOException {
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private Path scratchRoot() throws IOException {
        // In /tmp, not the build folder: the service's uid must be able to reach it whatever the checkout's permissions.
        Path root = Files.createTempDirectory(Path.of("/tmp"), "haste-unit",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        roots.add(root);
        Files.createDirectories(root.resolve("usr/bin"));
        Files.copy(WRAPPER, root.resolve("usr/bin/haste-gateway"));
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(UNIT, root.resolve("etc/systemd/system/haste-gateway.service"));
        return root;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void systemdAnalyzeVerifyAcceptsTheUnit() throws Exception {
        Path root = scratchRoot();
        // systemd-analyze --root needs the distribution's units (sysinit.target, ...) beside ours.
        Files.createDirectories(root.resolve("usr/lib"));
        run(List.of("cp", "-r", "/usr/lib/systemd", root.resolve("usr/lib/").toString()));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        String out = run(List.of("systemd-analyze", "verify", "--root=" + root, "/etc/systemd/system/haste-gateway.service"));
        assertEquals("", out.strip(), "systemd-analyze verify prints nothing for a clean unit");
    }

    @Test
    void theExposureScoreIsLow() throws Exception {
        String out = run(List.of("systemd-analyze", "security", "--offline=true", UNIT.toAbsolutePath().toString()));
        Matcher m = Pattern.compile("Overall exposure level for haste-gateway.service: ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        double exposure = Double.parseDouble(m.group(1));
        System.out.println("systemd-analyze security exposure: " + exposure);
        assertTrue(exposure <= 2.0, "exposure " + exposure + " (0 = locked down, 10 = exposed)\n" + out);
    }

    /** Any exit, status 0 included (a plugin's System.exit(0)), is restarted; a crash loop stops after 5 starts in 10 minutes. */
    @Test
    void theUnitRestartsAfterEveryExitAndStopsACrashLoop() {
        assertEquals("always", one("Restart"));
        assertEquals("5", one("RestartSec"));
        assertEquals("5", one("StartLimitBurst"));
        assertEquals("600", one("StartLimitIntervalSec"));
    }

    /**
     * The system calls the unit lets the gateway make, combined as systemd combines its
     * SystemCallFilter lines (the first an allow list; a later deny list removes from it, a later
     * allow list adds), include what limiting a plugin host takes: setpriority for nice(1)
     * ({@code plugins.host.nice}) and prlimit64 for prlimit(1) (the data limit); the rest of
     * {@code @resources} stays denied.
     */
    @Test
    void theSystemCallFilterLetsTheGatewayLowerItsPluginHostsPriorityAndLimitTheirMemory() throws Exception {
        List<String> lines = unit.get("SystemCallFilter");
        assertFalse(lines.get(0).startsWith("~"), "the first SystemCallFilter line is an allow list: " + lines);
        Set<String> allowed = new TreeSet<>();
        for (String line : lines) {
            boolean deny = line.startsWith("~");
            Set<String> calls = syscalls(List.of((deny ? line.substring(1) : line).trim().split("\\s+")));
            if (deny) {
                allowed.removeAll(calls);
            } else {
                allowed.addAll(calls);
            }
        }
        assertTrue(allowed.contains("setpriority"), "nice(1) needs setpriority");
        assertTrue(allowed.contains("prlimit64"), "prlimit(1) needs prlimit64");
        for (String denied : List.of("setrlimit", "sched_setscheduler", "sched_setaffinity", "mount", "reboot", "ptrace")) {
            assertFalse(allowed.contains(denied), denied + " stays denied");
        }
    }

    /** {@code names} (system calls and @groups) as system calls: systemd-analyze expands each group, nested groups too. */
    private static Set<String> syscalls(List<String> names) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String name : names) {
            if (!name.startsWith("@")) {
                out.add(name);
                continue;
            }
            List<String> members = new ArrayList<>();
            for (String line : run(List.of("systemd-analyze", "syscall-filter", name)).split("\n")) {
                String t = line.trim();
                if (line.startsWith(" ") && !t.isEmpty() && !t.startsWith("#")) {
                    members.add(t);
                }
            }
            out.addAll(syscalls(members));
        }
        return out;
    }

    @Test
    void execStartAsTheUnitRunsItTalksToTheNotifySocket() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "switching to the service user needs root");
        // An unprivileged uid without a passwd entry stands in for the unit's system user (User=): the test adds no user.
        String uid = String.valueOf(unusedUid());
        Path root = scratchRoot();
        Path home = Files.createDirectories(root.resolve("usr/lib/haste-gateway"));
        Path jar = Path.of(System.getProperty("haste.gateway.jar"));
        Files.copy(jar, home.resolve("haste-gateway.jar"));
        // The built-in plugins lie next to the jar, root's, as the package installs them.
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        try (var builtIn = Files.list(jar.resolveSibling("plugins"))) {
            for (Path p : builtIn.toList()) {
                Files.copy(p, plugins.resolve(p.getFileName()));
            }
        }
        Path state = Files.createDirectories(root.resolve("var/lib/haste-gateway/tmp"));
        run(List.of("chown", "-R", uid + ":" + uid, root.resolve("var/lib/haste-gateway").toString()));
        String gateway = "unit" + UUID.randomUUID().toString().substring(0, 6);
        Path shared = Path.of(System.getProperty("haste.shared.dir")).toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("etc/haste-gateway"));
        Files.writeString(root.resolve("etc/haste-gateway/config.yaml"), String.join("\n",
                "gateway_id: " + gateway,
                "mqtt:",
                "  host: 127.0.0.1",
                "model:",
                "  path: " + shared.resolve("models/cifar10-resnet-akamaster/resnet20.onnx"),
                "  card: " + shared.resolve("models/cifar10-resnet-akamaster/resnet20.json"), ""));
        Path socketDir = Files.createDirectories(root.resolve("run"));
        Path socketPath = socketDir.resolve("notify.sock");
        try (AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance()) {
            socket.bind(AFUNIXSocketAddress.of(socketPath.toFile()));
            socketPath.toFile().setWritable(true, false);
            socket.setSoTimeout(1000);

            Map<String, String> env = new HashMap<>();
            for (String assignment : unit.get("Environment")) {
                String value = assignment.replace("\\x20", " ");
                int eq = value.indexOf('=');
                env.put(value.substring(0, eq), moved(root, value.substring(eq + 1)));
            }
            env.put("NOTIFY_SOCKET", socketPath.toString());
            env.put("WATCHDOG_USEC", "2000000");
            // No hsperfdata_<uid> folder left in /tmp by the service's JVM.
            env.put("JAVA_OPTS", env.get("JAVA_OPTS") + " -XX:-UsePerfData");
            // setpriv execs (runuser would stay as a parent and turn SIGTERM into its own exit status 143).
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "env"));
            env.forEach((k, v) -> cmd.add(k + "=" + v));
            for (String word : one("ExecStart").split(" ")) {
                cmd.add(moved(root, word));
            }
            Path log = root.resolve("gateway.log");
            Process daemon = new ProcessBuilder(cmd).directory(new File(moved(root, one("WorkingDirectory"))))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String ready = receive(socket, s -> s.startsWith("READY=1"), 90, log);
                assertTrue(ready.contains("STATUS=model resnet20-cifar10 level 0"), ready);
                receive(socket, s -> s.equals("WATCHDOG=1"), 5, log);
                receive(socket, s -> s.equals("WATCHDOG=1"), 5, log);
                daemon.destroy();
                receive(socket, s -> s.equals("STOPPING=1"), 10, log);
                assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, daemon.exitValue(), Files.readString(log));
                assertTrue(Files.list(state).findAny().isPresent(), "natives unpacked into the state directory's tmp");
            } finally {
                daemon.descendants().forEach(ProcessHandle::destroyForcibly);
                daemon.destroyForcibly().waitFor();
                // Leave the shared Mosquitto as found: nothing retained of this gateway.
                for (String leaf : Topics.RETAINED_LEAVES) {
                    run(List.of("mosquitto_pub", "-h", "127.0.0.1", "-r", "-n", "-t", "haste/" + gateway + "/" + leaf));
                }
            }
        }
    }

    /** The first uid from 61000 up that names no user (getent finds none). */
    private static int unusedUid() throws Exception {
        for (int uid = 61_000; uid < 62_000; uid++) {
            if (new ProcessBuilder("getent", "passwd", String.valueOf(uid)).start().waitFor() == 2) {
                return uid;
            }
        }
        throw new AssertionError("no unused uid in 61000..61999");
    }

    /** A path of the unit moved under the scratch root (only the paths the package installs). */
    private static String moved(Path root, String word) {
        for (String prefix : List.of("/usr/bin/", "/usr/lib/haste-gateway", "/etc/haste-gateway/", "/var/lib/haste-gateway")) {
            word = word.replace(prefix, root + prefix);
        }
        return word;
    }

    private static String receive(AFUNIXDatagramSocket socket, java.util.function.Predicate<String> wanted, int seconds, Path log)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        byte[] buf = new byte[4096];
        while (System.nanoTime() < end) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            String state = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (wanted.test(state)) {
                return state;
            }
        }
        throw new AssertionError("no such notification within " + seconds + " s; gateway log:\n" + Files.readString(log));
    }
}
