package io.hastegw.daemon.pipeline;

import io.hastegw.daemon.detection.ZoneCounts;
import io.hastegw.daemon.homeassistant.HomeAssistantDiscovery;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.MessagePublisher;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.Prediction;
import java.util.Optional;

/**
 * Publishes what a detector's frames mean for the cameras' zones: every zone and label's count,
 * retained on {@code haste/<gw>/cameras/<camera>/zones/<zone>/<label>} (all of them on each
 * connect, then each when it changes), an event ({@code haste.zone-event/1}) on
 * {@code haste/<gw>/events} when one changes, and the zones' Home Assistant sensors. Called on the
 * gateway's event loop.
 */
final class ZoneReporter {
    private final ZoneCounts counts;
    private final Topics topics;
    private final Messages messages;
    private final Optional<HomeAssistantDiscovery> homeAssistant;
    private final MessagePublisher publisher;

    ZoneReporter(ZoneCounts counts, Topics topics, Messages messages, Optional<HomeAssistantDiscovery> homeAssistant, MessagePublisher publisher) {
        this.counts = counts;
        this.topics = topics;
        this.messages = messages;
        this.homeAssistant = homeAssistant;
        this.publisher = publisher;
    }

    /** Connected (again): every count as it stands, and the zones' Home Assistant sensors. */
    void connected() {
        for (ZoneCounts.Count c : counts.all()) {
            publisher.publish(OutgoingMessage.plain(topics.zoneCount(c.camera(), c.zone(), c.label()), count(c.count()), 1, true));
            homeAssistant.ifPresent(ha -> {
                HomeAssistantDiscovery.Message m = ha.zone(c.camera(), c.zone(), c.label(), topics.zoneCount(c.camera(), c.zone(), c.label()));
                publisher.publish(OutgoingMessage.json(m.topic(), m.payload(), 1, true));
            });
        }
    }

    /** A detector's prediction for {@code frame}: the counts it changed, retained and as events. */
    void predicted(Frame frame, Prediction prediction) {
        for (ZoneCounts.Change c : counts.update(frame.cameraId(), prediction.detections())) {
            publisher.publish(OutgoingMessage.plain(topics.zoneCount(c.camera(), c.zone(), c.label()), count(c.count()), 1, true));
            publisher.publish(OutgoingMessage.json(topics.events(), messages.zoneEvent(c.camera(), c.zone(), c.label(), c.count(), c.previous(),
                    frame.frameId()), 1, false));
        }
    }

    private static byte[] count(int n) {
        return Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
