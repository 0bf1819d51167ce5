package io.hastegw.daemon.systemd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway tells systemd when it runs as a {@code Type=notify} unit: READY with a status
 * line once the gateway is ready, watchdog pings while the pipeline is healthy, STOPPING at a
 * stop. Does nothing when not started by systemd (no NOTIFY_SOCKET).
 */
public final class SystemdIntegration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdIntegration.class);
    private final SystemdNotifier notifier;
    private ServiceWatchdog watchdog;

    private SystemdIntegration(SystemdNotifier notifier) {
        this.notifier = notifier;
    }

    /**
     * Connects to systemd when {@code env} has a NOTIFY_SOCKET.
     *
     * @throws IOException when NOTIFY_SOCKET is set but cannot be opened
     */
    public static SystemdIntegration fromEnvironment(Map<String, String> env) throws IOException {
        return new SystemdIntegration(SystemdNotifier.fromEnvironment(env).orElse(null));
    }

    /**
     * Sends READY with {@code status} once {@code ready} completes, and starts the watchdog (when
     * the unit has one) that pings while {@code healthy} says so.
     */
    public void started(Vertx vertx, Future<Void> ready, String status, BooleanSupplier healthy) {
        if (notifier == null) {
            return;
        }
        ready.onSuccess(v -> tell("READY=1\nSTATUS=" + status));
        Optional<java.time.Duration> period = notifier.watchdog();
        if (period.isPresent()) {
            watchdog = new ServiceWatchdog(vertx, notifier, period.get(), healthy);
        }
    }

    /** Tells systemd the service is stopping and stops the watchdog pings. */
    public void stopping() {
        if (notifier == null) {
            return;
        }
        tell("STOPPING=1");
        if (watchdog != null) {
            watchdog.close();
        }
    }

    private void tell(String state) {
        try {
            notifier.send(state);
        } catch (IOException | RuntimeException e) {
            LOG.warn("systemd: cannot notify '{}': {}", state.lines().findFirst().orElse(""), e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        if (notifier != null) {
            notifier.close();
        }
    }
}
