package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.control.ControlPlane;
import io.hastegw.daemon.control.ControlRequestHandler;
import io.hastegw.daemon.control.ControlSettings;
import io.hastegw.daemon.control.Controller;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.load.BoardSampler;
import io.vertx.core.Vertx;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compression control's loop on the gateway's event loop: each sampling period the board
 * (and its energy meter) is read off the loop and the controller decides; accepted settings are
 * put in force and saved; every change is logged with its reason and published (retained). It
 * is what an accepted or refused control command does ({@link ControlRequestHandler.Effects}).
 */
final class ControlLoop implements ControlRequestHandler.Effects {
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    private final Vertx vertx;
    private final ControlPlane plane;
    private final AdaptiveControl control;
    private final BoardSampler sampler;
    private final EnergyAccounting energy;
    private final IntSupplier queued;
    private final EventPublisher events;

    /** @param queued the frames waiting (read on the event loop) */
    ControlLoop(Vertx vertx, ControlPlane plane, BoardSampler sampler, EnergyAccounting energy, IntSupplier queued, EventPublisher events) {
        this.vertx = vertx;
        this.plane = plane;
        this.control = plane.control();
        this.sampler = sampler;
        this.energy = energy;
        this.queued = queued;
        this.events = events;
    }

    /** The board's reading and its meter's joules (NaN without a meter) of one sampling period. */
    private record Sample(BoardSampler.Reading reading, double meterJoules) {}

    /** One sampling period: the board (and its meter) is read off the event loop, the controller decides on it. */
    void sample() {
        vertx.executeBlocking(() -> new Sample(sampler.sample(),
                energy.meter().map(m -> m.joules(System.nanoTime()).orElse(Double.NaN)).orElse(Double.NaN)), false).onSuccess(sample -> {
            if (!Double.isNaN(sample.meterJoules())) {
                energy.ledger().meter(sample.meterJoules());
            }
            Controller.Step step = control.tick(sample.reading(), queued.getAsInt(), System.nanoTime());
            if (step.changed()) {
                changed();
            }
        }).onFailure(e -> LOG.warn("load sampling failed: {}", e.toString()));
    }

    /** The level or the shedding changed: logged with its reason, counted, published (retained). */
    void changed() {
        Controller.Decision d = control.decision();
        LOG.info("control: level {}, {}: {}", d.level(), d.shedEvery() == 1 ? "every frame served" : "1 frame in " + d.shedEvery() + ", fairly by cost",
                d.reason());
        events.state();
    }

    /** A refused command: an error event on the errors topic; its payload (the reply's). */
    @Override
    public byte[] refused(String message, String source) {
        return events.controlError(message, source);
    }

    /** Puts accepted settings (from {@code source}) in force, publishes the state and saves them (off the event loop) when a state file is configured. */
    @Override
    public void apply(ControlSettings settings, String source) {
        boolean moved = control.apply(settings, System.nanoTime());
        LOG.info("control: settings from {}: {}", source, AdaptiveControl.settingsJson(settings));
        if (moved) {
            changed();
        } else {
            events.state();
        }
        plane.store().ifPresent(store -> vertx.executeBlocking(() -> {
            store.write(settings);
            return null;
        }, true).onFailure(e -> {
            LOG.error("control: cannot save the settings to {}: {}", store.path(), e.toString());
            events.controlError("settings applied but not saved to " + store.path() + " (they will not survive a restart): " + e.getMessage(),
                    source);
        }));
    }
}
