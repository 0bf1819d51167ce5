package io.hastegw.daemon.systemd;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds systemd's watchdog at half its period, but only while {@code healthy} says the pipeline
 * really works; when it stops working the feeding stops and systemd restarts the service. The
 * timer itself runs on a Vert.x event loop, so a blocked event loop also starves the watchdog.
 */
public final class ServiceWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceWatchdog.class);

    private final Vertx vertx;
    private final long timer;
    private boolean starving;

    /** Starts feeding {@code notifier} every {@code period / 2} while {@code healthy}. */
    public ServiceWatchdog(Vertx vertx, SystemdNotifier notifier, Duration period, BooleanSupplier healthy) {
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(Math.max(1, period.toMillis() / 2), t -> {
            if (healthy.getAsBoolean()) {
                starving = false;
                try {
                    notifier.send("WATCHDOG=1");
                } catch (IOException | RuntimeException e) {
                    LOG.warn("watchdog: cannot notify systemd: {}", e.getMessage());
                }
            } else if (!starving) {
                starving = true;
                LOG.error("watchdog: the pipeline is stuck; no longer feeding systemd's watchdog");
            }
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
