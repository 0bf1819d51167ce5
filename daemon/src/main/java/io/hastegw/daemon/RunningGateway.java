package io.hastegw.daemon;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.pipeline.Gateway;
import io.hastegw.daemon.systemd.SystemdIntegration;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started gateway, and its one way to stop: drain, publish offline, close what the start opened. */
public final class RunningGateway {
    private static final Logger LOG = LoggerFactory.getLogger(RunningGateway.class);
    private final Vertx vertx;
    private final Gateway gateway;
    private final GatewayConfig config;
    private final SystemdIntegration systemd;
    private final CloseList closing;
    private boolean stopped;

    RunningGateway(Vertx vertx, Gateway gateway, GatewayConfig config, SystemdIntegration systemd, CloseList closing) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.config = config;
        this.systemd = systemd;
        this.closing = closing;
    }

    /** The running gateway. */
    public Gateway gateway() {
        return gateway;
    }

    /** The effective configuration (with the embedded broker's address when one was started). */
    public GatewayConfig config() {
        return config;
    }

    /**
     * Drains, publishes offline, closes everything; returns when done (bounded by the grace
     * period + 10 s). Idempotent: a second call (a signal during a stop) waits for the first.
     * The model is closed only once no frame is running on it (closing a session under a
     * running inference crashes natively); when frames outlived the grace period it is left
     * to the process's exit.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        systemd.stopping();
        long graceMs = config.pipeline().shutdownGraceMs();
        CountDownLatch done = new CountDownLatch(1);
        gateway.drainAndClose(graceMs).eventually(() -> vertx.close()).onComplete(ar -> done.countDown());
        try {
            if (!done.await(graceMs + 10_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("shutdown: did not finish in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing.close();
    }

    /** Stops on a signal and ends the process with status 0. */
    void stopAndExit() {
        LOG.info("shutdown: signal received");
        stop();
        System.exit(0);
    }
}
