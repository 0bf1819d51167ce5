package io.hastegw.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * The hostile soak's well-behaved camera: sends JPEG frames at a fixed rate and times each
 * answer end to end (publish to prediction received), with the gateway's own account of where
 * the time went ({@code latency_ms}: queue, decode, inference, total), so a slow phase can be
 * split into time spent inside the gateway and outside it (broker, MQTT clients, the socket).
 */
final class SoakGoodCamera {
    /** Frames per second. */
    static final double FPS = 10;

    /**
     * One answered frame: end to end; publish to the gateway's MQTT client taking it (the message's
     * {@code timestamp}, millisecond wall clock on the same machine); the gateway's terms; the rest
     * (publication: the gateway's event loop, broker, this client). NaN where an error event has none.
     */
    record Answer(double endToEndMs, double inboundMs, double queueMs, double decodeMs, double inferenceMs, double gatewayMs) {
        /** End to end minus inbound and the gateway's total: the prediction's way back. */
        double outboundMs() {
            return endToEndMs - inboundMs - gatewayMs;
        }
    }

    /** When a frame was published: monotonic and wall clock. */
    private record Sent(long nanos, long wallMillis) {}

    /** The answers of one phase, and the camera's frames shed and dropped by the gateway meanwhile (from /metrics). */
    record Phase(String name, int expected, List<Answer> answers, long shed, long dropped) {
        /** This phase with its shed and dropped frames. */
        Phase withLosses(long shedFrames, long droppedFrames) {
            return new Phase(name, expected, answers, shedFrames, droppedFrames);
        }

        double p(ToDoubleFunction<Answer> term, double q) {
            double[] v = answers.stream().mapToDouble(term).filter(Double::isFinite).sorted().toArray();
            return v.length == 0 ? Double.NaN : v[(int) Math.min(v.length - 1, Math.round(q * (v.length - 1)))];
        }
    }

    private final String gatewayId;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, Answer> answered = new ConcurrentHashMap<>();

    SoakGoodCamera(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    /** Records {@code json}, received at {@code nanos}, when it answers one of this camera's frames; false otherwise. */
    boolean onAnswer(String frameId, JsonNode json, long nanos) {
        Sent at = frameId == null ? null : sent.get(frameId);
        if (at == null) {
            return false;
        }
        JsonNode l = json.path("latency_ms");
        String timestamp = json.path("timestamp").asText("");
        double inbound = timestamp.isEmpty() ? Double.NaN : java.time.Instant.parse(timestamp).toEpochMilli() - at.wallMillis();
        answered.put(frameId, new Answer((nanos - at.nanos()) / 1e6, inbound, l.path("queue").asDouble(Double.NaN), l.path("decode").asDouble(Double.NaN),
                l.path("inference").asDouble(Double.NaN), l.path("total").asDouble(Double.NaN)));
        return true;
    }

    /** Sends frames for {@code seconds}, waits 3 s for the last answers and returns the phase. */
    Phase run(MqttAsyncClient client, byte[] jpeg, int seconds, String name) throws InterruptedException {
        sent.clear();
        answered.clear();
        long start = System.nanoTime();
        long interval = (long) (1e9 / FPS);
        String tag = name.replaceAll("[^A-Za-z0-9]", "");
        for (int i = 0; i < seconds * FPS; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String frameId = tag + "-" + i;
            MqttProperties p = new MqttProperties();
            p.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
            sent.put(frameId, new Sent(System.nanoTime(), System.currentTimeMillis()));
            try {
                client.publish("haste/" + gatewayId + "/cameras/good/frames", new MqttMessage(jpeg, 0, false, p));
            } catch (MqttException e) {
                sent.remove(frameId); // broker restart in progress: not sent
            }
        }
        Thread.sleep(3_000);
        return new Phase(name, (int) Math.round(seconds * FPS), List.copyOf(answered.values()), 0, 0);
    }

    /** The latency table: answered, shed, dropped, p50 and p95 end to end, and the p95 against {@code alone}'s. */
    static void printLatencies(List<Phase> phases, Phase alone) {
        System.out.printf(Locale.ROOT, "%nwell-behaved camera, %.0f JPEG frames/s:%n%-32s %9s %6s %7s %9s %9s %9s%n", FPS, "phase", "answered",
                "shed", "dropped", "p50 ms", "p95 ms", "p95 ratio");
        for (Phase p : phases) {
            System.out.printf(Locale.ROOT, "%-32s %9s %6d %7d %9.1f %9.1f %9.2f%n", p.name(), p.answers().size() + "/" + p.expected(),
                    p.shed(), p.dropped(), p.p(Answer::endToEndMs, 0.5), p.p(Answer::endToEndMs, 0.95), p.p(Answer::endToEndMs, 0.95) / alone.p(Answer::endToEndMs, 0.95));
        }
    }

    /**
     * Where the well-behaved camera's time went: the p95 of each term in each phase (the terms' p95s
     * do not add up to the total's). Inbound: publish to the gateway's MQTT client (this client,
     * broker, socket, the gateway's MQTT receive thread); gateway: its latency_ms (queue, decode,
     * inference, total); outbound: the rest (publication, broker, this client).
     */
    static void printTerms(List<Phase> phases) {
        System.out.printf(Locale.ROOT, "%nwell-behaved camera, p95 of each term (ms; inbound and outbound at 1 ms resolution):%n"
                + "%-32s %9s %9s %9s %9s %9s %9s %9s%n", "phase", "end2end", "inbound", "gateway", "queue", "decode", "inference", "outbound");
        for (Phase p : phases) {
            List<ToDoubleFunction<Answer>> terms = Arrays.asList(Answer::endToEndMs, Answer::inboundMs, Answer::gatewayMs, Answer::queueMs,
                    Answer::decodeMs, Answer::inferenceMs, Answer::outboundMs);
            System.out.printf(Locale.ROOT, "%-32s", p.name());
            terms.forEach(t -> System.out.printf(Locale.ROOT, " %9.1f", p.p(t, 0.95)));
            System.out.println();
        }
    }
}
