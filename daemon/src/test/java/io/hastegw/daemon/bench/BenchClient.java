package io.hastegw.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.mqtt.MessageCallback;
import io.hastegw.daemon.mqtt.Topics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** The benchmarks' load generator: publishes frames with a frame id, times predictions by frame id and keeps their top class and level. */
final class BenchClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A prediction received: when, its best class, its level, the gateway's own latency (arrival to
     * publication) and inference time, and the message itself (kept when asked: a detector's
     * boxes are scored from it).
     */
    record Received(long nanos, int top, int level, double gatewayMs, double inferenceMs, JsonNode message) {}

    private final MqttAsyncClient mqtt;
    final CountDownLatch online = new CountDownLatch(1);
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final Map<String, Received> received = new ConcurrentHashMap<>();
    final AtomicLong lastArrival = new AtomicLong();
    private final boolean keepMessages;

    BenchClient(String filter) throws MqttException {
        this(filter, false);
    }

    /** A client subscribed to {@code filter}; {@code keepMessages}: each prediction's message is kept (for scoring a detector's). */
    BenchClient(String filter, boolean keepMessages) throws MqttException {
        this.keepMessages = keepMessages;
        mqtt = new MqttAsyncClient("tcp://127.0.0.1:1883", "bench-" + UUID.randomUUID(), new MemoryPersistence());
        mqtt.setCallback((MessageCallback) (topic, m) -> {
            long now = System.nanoTime();
            if (topic.endsWith("/status")) {
                if ("online".equals(JSON.readTree(m.getPayload()).path("state").asText())) {
                    online.countDown();
                }
            } else if (topic.endsWith("/predictions")) {
                JsonNode p = JSON.readTree(m.getPayload());
                received.put(p.path("frame_id").asText(), new Received(now, p.path("top").path(0).path("index").asInt(-1), p.path("level").asInt(),
                        p.path("latency_ms").path("total").asDouble(), p.path("latency_ms").path("inference").asDouble(), keepMessages ? p : null));
                lastArrival.set(now);
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setReceiveMaximum(65535);
        mqtt.connect(o).waitForCompletion(5000);
        mqtt.subscribe(filter, 0).waitForCompletion(5000);
    }

    void reset() {
        sent.clear();
        received.clear();
    }

    void publish(String topic, byte[] jpeg, String frameId) throws MqttException {
        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
        sent.put(frameId, System.nanoTime());
        mqtt.publish(topic, new MqttMessage(jpeg, 0, false, p));
    }

    /** Publishes a control command (QoS 1) and waits for the broker to take it. */
    void command(String topic, String json) throws MqttException {
        mqtt.publish(topic, new MqttMessage(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false, new MqttProperties()))
                .waitForCompletion(5000);
    }

    /** Removes the retained messages gateway {@code gatewayId} left on the broker (status, level and control state, energy summary). */
    void clearRetained(String gatewayId) throws MqttException {
        for (String leaf : Topics.RETAINED_LEAVES) {
            mqtt.publish("haste/" + gatewayId + "/" + leaf, new MqttMessage(new byte[0], 1, true, new MqttProperties())).waitForCompletion(5000);
        }
    }

    /** Waits until {@code n} predictions arrived or none arrived for {@code quietMs}. */
    void waitFor(int n, long quietMs) throws InterruptedException {
        long last = System.nanoTime();
        int seen = 0;
        while (received.size() < n && (System.nanoTime() - last) / 1e6 < quietMs) {
            Thread.sleep(20);
            if (received.size() != seen) {
                seen = received.size();
                last = System.nanoTime();
            }
        }
    }

    /** Latency of every answered frame, publish to prediction received. */
    double[] latenciesMs() {
        return received.entrySet().stream().filter(e -> sent.containsKey(e.getKey()))
                .mapToDouble(e -> (e.getValue().nanos() - sent.get(e.getKey())) / 1e6).toArray();
    }

    /** The predictions received, by frame id. */
    Map<String, Received> received() {
        return received;
    }

    @Override
    public void close() throws MqttException {
        mqtt.disconnect().waitForCompletion(5000);
        mqtt.close();
    }
}
