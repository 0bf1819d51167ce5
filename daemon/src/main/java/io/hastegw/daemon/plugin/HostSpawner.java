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

    private final PluginsSection.HostLimits limits;
    private final Path folder;
    private final ScheduledExecutorService supervisor;
    private final HostOutput output;
    private final AtomicInteger sockets = new AtomicInteger();

    /**
     * @param folder     a private folder (0700) for the sockets
     * @param supervisor times out a host that does not connect
     */
    HostSpawner(PluginsSection.HostLimits limits, Path folder, ScheduledExecutorService supervisor, HostOutput output) {
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
            return new Spawned(p, Link.of(accept(server, p)));
        } finally {
            Files.deleteIfExists(socket);
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

    /** The host's command line: this JVM's java, the heap limit, the API and host classes only. */
    private List<String> command(Path socket) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx" + limits.heapMb() + "m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:MaxDirectMemorySize=" + limits.heapMb() + "m",
                "-Djava.io.tmpdir=" + folder, "-cp", HostClassPath.of(), HostMain.class.getName(), socket.toString()));
        return cmd;
    }
}
