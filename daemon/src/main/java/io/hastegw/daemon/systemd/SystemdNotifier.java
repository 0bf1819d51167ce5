package io.hastegw.daemon.systemd;

import java.io.File;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The sd_notify protocol spoken directly: state lines ({@code READY=1}, {@code WATCHDOG=1},
 * {@code STOPPING=1}, {@code STATUS=...}) sent as one datagram to the AF_UNIX socket named by
 * {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace). Outside systemd
 * there is no socket and nothing is sent.
 */
public final class SystemdNotifier implements AutoCloseable {
    private final AFUNIXDatagramChannel channel;
    private final SocketAddress target;
    private final Duration watchdog;

    private SystemdNotifier(AFUNIXDatagramChannel channel, SocketAddress target, Duration watchdog) {
        this.channel = channel;
        this.target = target;
        this.watchdog = watchdog;
    }

    /** A notifier for the socket in {@code env}, or empty when not started by systemd with notify support. */
    public static Optional<SystemdNotifier> fromEnvironment(Map<String, String> env) throws IOException {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        SocketAddress target = path.startsWith("@")
                ? AFUNIXSocketAddress.inAbstractNamespace(path.substring(1))
                : AFUNIXSocketAddress.of(new File(path));
        return Optional.of(new SystemdNotifier(AFUNIXDatagramChannel.open(), target, watchdogInterval(env)));
    }

    /**
     * The watchdog period systemd expects ({@code WATCHDOG_USEC}), when it is meant for this
     * process ({@code WATCHDOG_PID} absent or equal to our pid); null when there is no watchdog.
     */
    static Duration watchdogInterval(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return null;
        }
        return Duration.ofNanos(Long.parseLong(usec.trim()) * 1000);
    }

    /** The watchdog period, if systemd asked for one. */
    public Optional<Duration> watchdog() {
        return Optional.ofNullable(watchdog);
    }

    /** Sends {@code state} (newline-separated assignments). */
    public synchronized void send(String state) throws IOException {
        channel.send(ByteBuffer.wrap(state.getBytes(StandardCharsets.UTF_8)), target);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
