package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.config.HomeAssistantSection;
import io.hastegw.daemon.control.AdaptiveControl;
import io.hastegw.daemon.homeassistant.HomeAssistantDiscovery;
import io.hastegw.daemon.messages.Figures;
import io.hastegw.daemon.messages.GatewayVersion;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.MessagePublisher;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The gateway's side of Home Assistant MQTT discovery: the gateway's entities on each connect, a
 * camera's entities when it is first predicted (its retained availability {@code online}), marked
 * unavailable ({@code offline}) when it goes idle and removed only after the retention without a
 * frame, and the statistics its sensors read, once per period. Called on the gateway's event loop.
 */
final class HomeAssistantBridge {
    /** Idle cameras whose entities are kept (unavailable) at most; beyond it the longest idle one is removed. */
    static final int MAX_KEPT = 10_000;
    private final HomeAssistantDiscovery discovery;
    private final MessagePublisher out;
    private final Messages messages;
    private final GatewayMetrics metrics;
    private final AdaptiveControl control;
    /** The cameras announced and sending (tracked cameras only). */
    private final Set<String> announced = new HashSet<>();
    /** Idle cameras whose entities are kept, unavailable, with when they went idle (nanos), oldest first. */
    private final LinkedHashMap<String, Long> idleSince = new LinkedHashMap<>();
    /**
     * Cameras an earlier run announced (their retained configs read back at connect), by availability
     * topic: their config topics and when they were first seen in this run; removed after the
     * retention unless they send again.
     */
    private final LinkedHashMap<String, Earlier> earlier = new LinkedHashMap<>();

    /** An earlier run's camera: its retained config topics, and since when this run has known it (nanos). */
    private record Earlier(java.util.Set<String> configs, long since) {}
    private final long retentionNanos;
    private final LongSupplier clock;
    /** The discovery prefix's first level, {@code <prefix>/}: what the gateway's read-back configs start with (every message is tested). */
    private final String configPrefix;
    private final CameraRates rates = new CameraRates();
    private final PeriodTotals totals = new PeriodTotals();

    /**
     * @param retentionNanos how long an idle camera's entities are kept before they are removed
     * @param clock          nanoseconds now
     */
    HomeAssistantBridge(HomeAssistantDiscovery discovery, MessagePublisher out, Messages messages, GatewayMetrics metrics,
                        AdaptiveControl control, long retentionNanos, LongSupplier clock) {
        this.retentionNanos = retentionNanos;
        this.clock = clock;
        this.discovery = discovery;
        this.configPrefix = discovery.ownConfigs().substring(0, discovery.ownConfigs().indexOf('+'));
        this.out = out;
        this.messages = messages;
        this.metrics = metrics;
        this.control = control;
    }

    /** The bridge {@code config} asks for ({@code homeassistant.enabled}), for a gateway running {@code model}; empty when off. */
    static Optional<HomeAssistantBridge> of(GatewayConfig config, String model, boolean detector, MessagePublisher out, Messages messages,
                                            GatewayMetrics metrics, AdaptiveControl control) {
        HomeAssistantSection ha = config.homeassistant();
        if (!ha.enabled()) {
            return Optional.empty();
        }
        return Optional.of(new HomeAssistantBridge(new HomeAssistantDiscovery(ha.discoveryPrefix(), config.gatewayId(), model,
                GatewayVersion.current(), detector),
                out, messages, metrics, control, TimeUnit.SECONDS.toNanos(ha.cameraRetentionS()), System::nanoTime));
    }

    /** Adds to {@code subscriptions} the filter of this gateway's own retained configs (read back at every connect). */
    List<Subscription> with(List<Subscription> subscriptions) {
        List<Subscription> all = new java.util.ArrayList<>(subscriptions);
        all.add(new Subscription(discovery.ownConfigs(), 1, false));
        return all;
    }

    /** Takes {@code m} when it is one of this gateway's retained configs read back; false for any other message. */
    boolean accept(IncomingMessage m) {
        if (!m.topic().startsWith(configPrefix)) {
            return false;
        }
        retained(m.topic(), m.payload());
        return true;
    }

    /** The discovery messages' maker (zones add their sensors with it). */
    HomeAssistantDiscovery discovery() {
        return discovery;
    }

    /** Connected (again): the gateway's entities; {@code readOnly}: no command entities (control needs a signature). */
    void connected(boolean readOnly) {
        discovery.gateway(control.levels(), readOnly).forEach(m -> out.publish(OutgoingMessage.json(m.topic(), m.payload(), 1, true)));
    }

    /** A prediction for {@code camera} (metrics series {@code series}): its entities and {@code online}, the first time since it went idle. */
    void predicted(String camera, String series) {
        if (series.equals(camera) && announced.add(camera)) {
            idleSince.remove(camera);
            earlier.remove(discovery.cameraAvailability(camera));
            discovery.camera(camera).forEach(m -> out.publish(OutgoingMessage.json(m.topic(), m.payload(), 1, true)));
            availability(camera, "online");
        }
    }

    /** A camera gone idle: its entities unavailable ({@code offline}), kept until the retention has passed. */
    void forget(String camera) {
        if (announced.remove(camera)) {
            availability(camera, "offline");
            idleSince.put(camera, clock.getAsLong());
            if (idleSince.size() > MAX_KEPT) {
                remove(idleSince.keySet().iterator().next());
            }
        }
    }

    /**
     * A retained config read back from the broker ({@link HomeAssistantDiscovery#ownConfigs()}): a
     * camera entity of an earlier run whose camera has not sent since this run started is kept
     * (unavailable: its availability is set {@code offline}) and removed after the retention.
     */
    void retained(String topic, byte[] payload) {
        discovery.cameraOf(topic, payload).ifPresent(availability -> {
            if (announced.stream().anyMatch(c -> discovery.cameraAvailability(c).equals(availability))) {
                return;
            }
            Earlier e = earlier.computeIfAbsent(availability, a -> {
                out.publish(OutgoingMessage.plain(a, "offline".getBytes(StandardCharsets.UTF_8), 1, true));
                return new Earlier(new java.util.HashSet<>(), clock.getAsLong());
            });
            e.configs().add(topic);
            if (earlier.size() > MAX_KEPT) {
                removeEarlier(earlier.keySet().iterator().next());
            }
        });
    }

    /** Removes the entities of the cameras idle (or unseen since an earlier run) for longer than the retention. */
    void expire() {
        long now = clock.getAsLong();
        List<String> due = idleSince.entrySet().stream().filter(e -> now - e.getValue() >= retentionNanos).map(Map.Entry::getKey).toList();
        due.forEach(this::remove);
        earlier.entrySet().stream().filter(e -> now - e.getValue().since() >= retentionNanos).map(Map.Entry::getKey).toList()
                .forEach(this::removeEarlier);
    }

    /** Removes an earlier run's camera: its config topics and its availability (empty retained messages). */
    private void removeEarlier(String availability) {
        Earlier e = earlier.remove(availability);
        e.configs().forEach(t -> out.publish(OutgoingMessage.plain(t, new byte[0], 1, true)));
        out.publish(OutgoingMessage.plain(availability, new byte[0], 1, true));
    }

    /** Removes {@code camera}'s entities and its availability (empty retained messages). */
    private void remove(String camera) {
        idleSince.remove(camera);
        discovery.removeCamera(camera).forEach(m -> out.publish(OutgoingMessage.plain(m.topic(), m.payload(), 1, true)));
        out.publish(OutgoingMessage.plain(discovery.cameraAvailability(camera), new byte[0], 1, true));
    }

    private void availability(String camera, String state) {
        out.publish(OutgoingMessage.plain(discovery.cameraAvailability(camera), state.getBytes(StandardCharsets.UTF_8), 1, true));
    }

    /** The statistics the sensors read: level, p95, frames/s (in all and per camera), energy saved over the period. */
    void publishStats() {
        Map<String, Double> fps = rates.update(metrics.perCamera("haste_frames_processed"), System.currentTimeMillis());
        Double saved = totals.next(metrics).savedPercent();
        Map<String, Object> cameras = new TreeMap<>();
        fps.forEach((camera, rate) -> cameras.put(HomeAssistantDiscovery.key(camera), Map.of("camera_id", camera,
                "frames_per_second", rate == null ? 0.0 : rate)));
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("level", control.getAsInt());
        double p95 = control.stats().p95Ms();
        stats.put("p95_ms", Figures.finite3(p95));
        stats.put("frames_per_second", CameraRates.total(fps));
        stats.put("energy_saved_percent", saved == null ? null : Math.round(10 * saved) / 10.0);
        stats.put("cameras", cameras);
        out.publish(OutgoingMessage.json(discovery.statsTopic(), messages.stats(stats), 0, false));
    }
}
