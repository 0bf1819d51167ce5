package io.hastegw.daemon.plugin;

import io.hastegw.daemon.config.PluginsSection;
import io.hastegw.pluginhost.HostMain;
import io.hastegw.pluginhost.Link;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a plugin's host JVMs ({@link HostMain}): the API's and the host's jars only ({@link HostClassPath}), the heap
 * limit and {@code -XX:+ExitOnOutOfMemoryError}, its output followed; each connects back over a Unix socket of its own
 * in the plugin's private folder, within {@link PluginProcess#START_MS}.
 */
final class HostSpawner {
    /** A host started and connected, not yet given the plugin. */
    record Spawned(Process process, Link link) {}

    /** nice(1), which runs the host's JVM in its own process (exec: the pid stays the JVM's). */
    private static final Path NICE = Path.of("/usr/bin/nice");
    /** prlimit(1) (util-linux), which sets the host's data limit before it runs the JVM (exec, as nice). */
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    private final PluginsSection.HostLimits limits;
    private final Path folder;
    private final ScheduledExecutorService supervisor;
    private final HostOutput output;
    private final AtomicInteger sockets = new AtomicInteger();
    private final java.util.Optional<HostCgroup> cgroup;

    /**
     * @param folder     a private folder (0700) for the sockets
     * @param supervisor times out a host that does not connect
     * @param cgroup     the plugin's CPU cgroup each host is moved into once connected, if it has one
     */
    HostSpawner(PluginsSection.HostLimits limits, Path folder, ScheduledExecutorService supervisor, HostOutput output,
                java.util.Optional<HostCgroup> cgroup) {
        this.cgroup = cgroup;
        this.limits = limits;
        this.folder = folder;
        this.supervisor = supervisor;
        this.output = output;
    }

    /** A new host, connected; blocks for its JVM's start. */
    Spawned spawn() throws IOException {
        // A socket per host (a spare may start while a restart does), named as short as can be: a Unix socket's path is
        // limited to 107 bytes, and the folder lies under java.io.tmpdir, which may be long.
        Path socket = folder.resolve("s" + sockets.incrementAndGet());
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Process p = new ProcessBuilder(command(socket)).redirectErrorStream(true).start();
            output.follow(p.getInputStream());
            SocketChannel channel = accept(server, p);
            // Capped once connected: the JVM's start, which the quota would slow, is over, and the plugin's code (loaded
            // on INIT, which comes next) has not run.
            try {
                capped(p);
            } catch (IOException e) {
                closeQuietly(channel);
                throw e;
            }
            return new Spawned(p, Link.of(channel));
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** Moves the new host into the plugin's cgroup; a host that cannot be moved is not started. */
    private void capped(Process p) throws IOException {
        if (cgroup.isPresent()) {
            try {
                cgroup.get().add(p.pid());
            } catch (IOException e) {
                p.destroyForcibly();
                throw new IOException("its host process could not join the plugin's cgroup " + cgroup.get().dir() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The host's connection, or a failure when it ends or does not connect within {@link PluginProcess#START_MS}. */
    private SocketChannel accept(ServerSocketChannel server, Process p) throws IOException {
        var timer = supervisor.schedule(() -> {
            p.destroyForcibly();
            closeQuietly(server);
        }, PluginProcess.START_MS, TimeUnit.MILLISECONDS);
        p.onExit().thenRun(() -> closeQuietly(server));
        try {
            return server.accept();
        } catch (IOException e) {
            throw new IOException("its host process did not connect (" + (p.isAlive() ? "no connection in " + PluginProcess.START_MS + " ms"
                    : "it ended with status " + p.exitValue() + output.last()) + ")", e);
        } finally {
            timer.cancel(false);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing to wake a waiting accept
        }
    }

    /**
     * The host's command line: its writable private memory (RLIMIT_DATA: heap, malloc, native
     * allocations, thread stacks) capped at {@code plugins.host.max_rss_mb} through prlimit(1), so
     * that a native allocation past it fails in the plugin instead of growing until the watchdog
     * kills the host; at {@code plugins.host.nice} through nice(1) (each when there is one); this
     * JVM's java, the heap limit, the API and host classes only.
     */
    private List<String> command(Path socket) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(PRLIMIT)) {
            long bytes = (long) limits.maxRssMb() << 20;
            cmd.addAll(List.of(PRLIMIT.toString(), "--data=" + bytes + ":" + bytes));
        }
        if (limits.nice() > 0 && Files.isExecutable(NICE)) {
            cmd.addAll(List.of(NICE.toString(), "-n", String.valueOf(limits.nice())));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx" + limits.heapMb() + "m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:MaxDirectMemorySize=" + limits.heapMb() + "m",
                "-Djava.io.tmpdir=" + folder, "-cp", HostClassPath.of(), HostMain.class.getName(), socket.toString()));
        return cmd;
    }
}
