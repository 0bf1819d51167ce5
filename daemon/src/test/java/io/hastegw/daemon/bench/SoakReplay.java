package io.hastegw.daemon.bench;

import static io.hastegw.daemon.SignedCommands.signed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The hostile soak's replay-after-restart case: a gateway with a binary HMAC key and a control
 * state file accepts signed command C1 (latency target 50 ms), then C2 (80 ms); it is stopped and
 * started again; C1, captured by an attacker, is sent again unchanged within the signing window.
 * The rows say whether the replay was refused and which target is in force after it (the soak's
 * model has one level, so the setting changed is the target, which the state file keeps).
 */
final class SoakReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Starts and stops the soak's gateway processes. */
    interface Gateways {
        /** Starts a gateway with these {@code --set} settings added to the soak's; returns when it is online. */
        Process start(List<String> sets) throws Exception;

        /** The latency target in force (ms), from {@code /status}. */
        int latencyTargetMs(Process gateway) throws Exception;
    }

    private final String gatewayId;
    private final int brokerPort;
    /** An ack or error event the gateway published. */
    private record Reply(String topic, JsonNode json) {}

    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();

    SoakReplay(String gatewayId, int brokerPort) {
        this.gatewayId = gatewayId;
        this.brokerPort = brokerPort;
    }

    /** Runs the case with files in {@code tmp}, prints its rows. */
    void run(Gateways gateways, Path tmp) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.write(tmp.resolve("replay-hmac.key"), key);
        List<String> sets = List.of("gateway_id=" + gatewayId, "control.hmac_key_file=" + keyFile, "control.hmac_window_seconds=60",
                "control.state_file=" + tmp.resolve("replay-control-state.json"));
        String set = "haste/" + gatewayId + "/control/set";
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + brokerPort, "soak-replay", new MemoryPersistence());
        client.setCallback((io.hastegw.daemon.mqtt.MessageCallback) (topic, m) -> onReply(topic, m));
        client.connect(new MqttConnectionOptions()).waitForCompletion(5000);
        client.subscribe(new String[] {"haste/" + gatewayId + "/control/ack", "haste/" + gatewayId + "/errors"}, new int[] {1, 1})
                .waitForCompletion(5000);
        Process gateway = gateways.start(sets);
        MqttMessage c1 = signed(set, "{\"latency_target_ms\": 50}", key, System.currentTimeMillis(), "soak-replay-c1");
        long signedAt = System.nanoTime();
        String first = send(client, set, c1);
        String second = send(client, set, signed(set, "{\"latency_target_ms\": 80}", key, System.currentTimeMillis(), "soak-replay-c2"));
        int before = gateways.latencyTargetMs(gateway);
        BenchSupport.stop(gateway, 20);
        gateway = gateways.start(sets);
        double age = (System.nanoTime() - signedAt) / 1e9;
        String replay = send(client, set, c1);
        int after = gateways.latencyTargetMs(gateway);
        BenchSupport.stop(gateway, 20);
        client.disconnect().waitForCompletion(5000);
        client.close();
        System.out.printf(Locale.ROOT, "%nreplay after a restart (binary 32-byte HMAC key, state file, window 60 s):%n");
        System.out.printf(Locale.ROOT, "  C1 {\"latency_target_ms\":50}, signed: %s%n", first);
        System.out.printf(Locale.ROOT, "  C2 {\"latency_target_ms\":80}, signed: %s; target in force %d ms%n", second, before);
        System.out.printf(Locale.ROOT, "  gateway stopped and started again; C1 replayed unchanged %.1f s after signing: %s%n", age, replay);
        System.out.printf(Locale.ROOT, "  target in force after the replay: %d ms (%s)%n", after, after == before ? "unchanged" : "ROLLED BACK");
    }

    private void onReply(String topic, MqttMessage m) throws java.io.IOException {
        if (m.getPayload().length > 0) {
            replies.add(new Reply(topic, JSON.readTree(m.getPayload())));
        }
    }

    /** Publishes {@code command} and describes the gateway's answer: accepted, or refused with its reason. */
    private String send(MqttAsyncClient client, String topic, MqttMessage command) throws Exception {
        replies.clear();
        client.publish(topic, command).waitForCompletion(5000);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String refusal = null;
        for (Reply r; (r = replies.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
            if (r.topic().endsWith("/errors") && "invalid_command".equals(r.json().path("reason").asText())) {
                refusal = r.json().path("message").asText();
            } else if (r.topic().endsWith("/control/ack")) {
                return r.json().path("accepted").asBoolean() ? "accepted" : "refused (" + (refusal != null ? refusal : r.json().path("errors")) + ")";
            }
        }
        return "no answer in 10 s";
    }
}
