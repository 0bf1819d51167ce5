package io.hastegw.daemon;

import io.hastegw.daemon.mqtt.Topics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import io.hastegw.daemon.mqtt.MessageCallback;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** Test support: a camera/operator client on a real broker that records everything under a topic filter. */
final class MqttTestClient implements AutoCloseable {
    /** A received message. */
    record Received(String topic, byte[] payload, MqttProperties properties) {
        Map<String, Object> json() {
            return Json.parse(payload);
        }
    }

    private final MqttAsyncClient client;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

    MqttTestClient(String host, int port, String filter) throws MqttException {
        this(port, null, null, "test-" + UUID.randomUUID(), filter);
    }

    /** A client of the broker on 127.0.0.1:{@code port} with credentials (null: none); {@code filter} null subscribes to nothing. */
    MqttTestClient(int port, String user, String password, String clientId, String filter) throws MqttException {
        client = new MqttAsyncClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        client.setCallback((MessageCallback) (topic, m) -> received.add(new Received(topic, m.getPayload(), m.getProperties())));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        client.connect(o).waitForCompletion(5000);
        if (filter != null) {
            client.subscribe(filter, 1).waitForCompletion(5000);
        }
    }

    MqttTestClient(String filter) throws MqttException {
        this("127.0.0.1", 1883, filter);
    }

    /** Publishes a frame with optional content type, frame id and correlation data (QoS 1). */
    void publish(String topic, byte[] payload, String contentType, String frameId, byte[] correlation) throws MqttException {
        MqttProperties p = new MqttProperties();
        if (contentType != null) {
            p.setContentType(contentType);
        }
        if (frameId != null) {
            p.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
        }
        if (correlation != null) {
            p.setCorrelationData(correlation);
        }
        client.publish(topic, new MqttMessage(payload, 1, false, p)).waitForCompletion(5000);
    }

    /** Publishes at QoS 1 and returns the broker's PUBACK reason code (0 = accepted, 0x87 = not authorized). */
    int publishForReason(String topic, byte[] payload) throws MqttException {
        var token = client.publish(topic, new MqttMessage(payload, 1, false, new MqttProperties()));
        try {
            token.waitForCompletion(5000);
        } catch (MqttException e) {
            return e.getReasonCode();
        }
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** Publishes a prepared message and waits for its delivery. */
    void publish(String topic, MqttMessage message) throws MqttException {
        client.publish(topic, message).waitForCompletion(5000);
    }

    /** Publishes at QoS 0 without waiting (for floods). */
    void fire(String topic, byte[] payload) throws MqttException {
        client.publish(topic, new MqttMessage(payload, 0, false, new MqttProperties()));
    }

    /** The next message accepted by {@code filter}, skipping others, or fails after {@code seconds}. */
    Received await(Predicate<Received> filter, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Received r = received.poll(50, TimeUnit.MILLISECONDS);
            if (r != null && filter.test(r)) {
                return r;
            }
        }
        throw new AssertionError("no matching message within " + seconds + " s");
    }

    /** Removes the retained messages a gateway leaves on the shared Mosquitto (its status and level state), so tests leave the broker as they found it. */
    static void clearRetained(String gatewayId) {
        try (MqttTestClient c = new MqttTestClient("haste/" + gatewayId + "/none")) {
            for (String leaf : Topics.RETAINED_LEAVES) {
                c.publish("haste/" + gatewayId + "/" + leaf, new MqttMessage(new byte[0], 1, true, new MqttProperties()));
            }
        } catch (MqttException e) {
            throw new AssertionError("cannot clear the retained messages of " + gatewayId, e);
        }
    }

    /** Clears retained messages on {@code topics} (e.g. a test's zone counts). */
    static void clearRetained(List<String> topics) {
        try (MqttTestClient c = new MqttTestClient("haste/none")) {
            for (String topic : topics) {
                c.publish(topic, new MqttMessage(new byte[0], 1, true, new MqttProperties()));
            }
        } catch (MqttException e) {
            throw new AssertionError("cannot clear retained messages on " + topics, e);
        }
    }

    /** Everything received so far (and drains it). */
    List<Received> drain() {
        java.util.ArrayList<Received> all = new java.util.ArrayList<>();
        received.drainTo(all);
        return all;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5000);
        }
        client.close();
    }
}
