package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.mqtt.BrokerLink;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A burst of QoS 1 messages larger than the broker's in-flight window (Mosquitto allows 20) is
 * not lost: what the client cannot send yet waits in the connection's outbox and goes out, in
 * order, as the broker acknowledges (Home Assistant's configs of many cameras at once, a removal's
 * empty configs, zone counts).
 */
@Tag("broker")
class MqttBurstTest {
    @Test
    void aBurstBeyondTheInFlightWindowArrivesWholeAndInOrder() throws Exception {
        try (GatewayFixture g = new GatewayFixture(TestModels.hasteResNet20()).ready();
             MqttTestClient c = new MqttTestClient("haste/" + g.id + "/burst/#")) {
            BrokerLink mqtt = g.running.gateway().mqtt();
            for (int i = 0; i < 300; i++) {
                assertTrue(mqtt.publish(OutgoingMessage.plain("haste/" + g.id + "/burst/" + i, Integer.toString(i).getBytes(StandardCharsets.US_ASCII),
                        1, false)), "message " + i + " taken");
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                got.add(Integer.parseInt(new String(c.await(r -> r.topic().contains("/burst/"), 10).payload(), StandardCharsets.US_ASCII)));
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add(i);
            }
            assertEquals(expected, got);
        }
    }
}
