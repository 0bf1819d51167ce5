package io.hastegw.daemon.bench;

import io.hastegw.daemon.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** The hostile soak's attacks, replayed in rounds until their time is up. */
final class SoakAttacks {
    /** One round of attacks. */
    private interface Round {
        void run(int round) throws Exception;
    }

    private final String id;
    private final int brokerPort;
    private final Map<String, AtomicInteger> sent;
    private final Map<String, String> kindOfFrame;
    private final Random random = new Random(7);
    private final byte[] jpeg;
    private final byte[] largePng;
    private final byte[] bombPng;
    private final byte[] bigJpeg;
    private final byte[] progressiveJpeg;
    private final byte[] widePng;
    private int counter;

    /**
     * Attacks on gateway {@code id} at the broker on {@code brokerPort}; each payload sent is counted per kind in
     * {@code sent} and its frame id recorded in {@code kindOfFrame} until its answer comes.
     */
    SoakAttacks(String id, int brokerPort, byte[] jpeg, Map<String, AtomicInteger> sent, Map<String, String> kindOfFrame) throws IOException {
        this.id = id;
        this.brokerPort = brokerPort;
        this.sent = sent;
        this.kindOfFrame = kindOfFrame;
        this.jpeg = jpeg;
        largePng = TestImages.png(TestImages.smooth(5700, 5700, BufferedImage.TYPE_INT_RGB));
        bombPng = TestImages.png(TestImages.smooth(6400, 6250, BufferedImage.TYPE_BYTE_GRAY));
        BufferedImage big = TestImages.smooth(6320, 6320, BufferedImage.TYPE_INT_RGB);
        bigJpeg = TestImages.jpeg(big, false);
        progressiveJpeg = TestImages.jpeg(big, true);
        widePng = TestImages.png(TestImages.smooth(2_000_000, 2, BufferedImage.TYPE_BYTE_GRAY));
    }

    /**
     * Hostile cameras for {@code seconds}: one camera sending a 5700x5700 PNG a second; with {@code all}, also other huge
     * images, a flood of fresh camera ids with garbage, an overlong camera id and oversized payloads.
     */
    void cameras(MqttAsyncClient c, int seconds, boolean all) {
        rounds(seconds, round -> {
            frame(c, "huge", largePng, "5700x5700 PNG, one camera, 1/s");
            for (int i = 0; all && i < 40; i++) {
                frame(c, "id" + round + "-" + i, garbage(), "garbage on a fresh camera id (40/s)");
            }
            if (all && round % 5 == 1) {
                frame(c, "bomb", bombPng, "40-Mpixel PNG");
                frame(c, "bigjpeg", bigJpeg, "6320x6320 JPEG");
                frame(c, "prog", progressiveJpeg, "6320x6320 progressive JPEG");
                frame(c, "wide", widePng, "2000000x2 PNG");
                frame(c, "c".repeat(65_535 - ("haste/" + id + "/cameras//frames").length()), jpeg, "65,506-character camera id");
                frame(c, "big", new byte[5 << 20], "5 MiB payload");
            }
        });
    }

    /**
     * Protocol attacks for {@code seconds}: a retained command, commands answering onto foreign topics, invalid levels,
     * oversized packets, and two client-id take-overs (after which the gateway gets the retained command again).
     */
    void protocol(MqttAsyncClient c, int seconds) {
        String set = "haste/" + id + "/control/level/set";
        publish(c, set, "0".getBytes(StandardCharsets.UTF_8), true, null, "control: retained level command");
        rounds(seconds, round -> {
            for (String target : List.of("haste/other/control/level/set", "haste/" + id + "/cameras/good/predictions", "haste/" + id + "/status")) {
                publish(c, set, "0".getBytes(StandardCharsets.UTF_8), false, target, "control: response topic outside prefix");
            }
            publish(c, set, "{\"level\": 99}".getBytes(StandardCharsets.UTF_8), false, null, "control: invalid level");
            if (round % 5 == 2) {
                publish(c, "haste/" + id + "/cameras/huge2/frames", new byte[48 << 20], false, null, "oversized packet (48 MiB)");
            }
            if (round == seconds / 3 || round == 2 * seconds / 3) {
                takeOver();
            }
        });
        // Clearing the retained command: the gateway, subscribed, gets an empty command and refuses it too.
        publish(c, set, new byte[0], true, null, "control: invalid level");
    }

    /** Four cameras flooding valid JPEG frames, 250 frames/s each (25 every 100 ms), for {@code seconds}. */
    void flood(MqttAsyncClient c, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (System.nanoTime() < end) {
                for (int i = 0; i < 25; i++) {
                    for (int cam = 0; cam < 4; cam++) {
                        frame(c, "flood" + cam, jpeg, "valid JPEG flood, 4 cameras x 250/s");
                    }
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            System.err.println("attacker stopped: " + e);
        }
    }

    /** 200 camera ids, each sending one valid JPEG a second, always in the same order, for {@code seconds}. */
    void manyCameras(MqttAsyncClient c, int seconds) {
        rounds(seconds, round -> {
            for (int cam = 0; cam < 200; cam++) {
                frame(c, "rot" + cam, jpeg, "valid JPEG, 200 camera ids x 1/s");
            }
        });
    }

    /** Runs {@code round} once a second for {@code seconds}. */
    private void rounds(int seconds, Round round) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            for (int r = 1; System.nanoTime() < end; r++) {
                round.run(r);
                Thread.sleep(1_000);
            }
        } catch (Exception e) {
            System.err.println("attacker stopped: " + e);
        }
    }

    /** Connects with the gateway's predictable client id (the broker ends the gateway's session), then leaves. */
    private void takeOver() throws MqttException {
        sent.computeIfAbsent("client-id take-over", k -> new AtomicInteger()).incrementAndGet();
        MqttAsyncClient impostor = new MqttAsyncClient("tcp://127.0.0.1:" + brokerPort, "haste-" + id, new MemoryPersistence());
        impostor.connect(new MqttConnectionOptions()).waitForCompletion(5000);
        try {
            impostor.disconnect().waitForCompletion(5000);
        } catch (MqttException alreadyTakenBack) {
            // the gateway's reconnect ended this session first
        }
        impostor.close();
    }

    private byte[] garbage() {
        byte[][] mix = {new byte[0], Arrays.copyOf(jpeg, jpeg.length / 2), {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
            {'H', 'R', 'A', 'W', 1, 3, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f}, new byte[64]};
        byte[] pick = mix[counter % mix.length].clone();
        if (counter % mix.length == 4) {
            random.nextBytes(pick);
        }
        return pick;
    }

    private void frame(MqttAsyncClient c, String camera, byte[] payload, String kind) throws MqttException {
        String frameId = "h" + counter++;
        kindOfFrame.put(frameId, kind);
        sent.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        try {
            c.publish("haste/" + id + "/cameras/" + camera + "/frames", message(payload, frameId));
        } catch (MqttException e) {
            sent.get(kind).decrementAndGet(); // broker restarting
            kindOfFrame.remove(frameId);
        }
    }

    private void publish(MqttAsyncClient c, String topic, byte[] payload, boolean retain, String responseTopic, String kind) {
        MqttProperties p = new MqttProperties();
        if (responseTopic != null) {
            p.setResponseTopic(responseTopic);
        }
        try {
            c.publish(topic, new MqttMessage(payload, 1, retain, p));
            sent.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        } catch (MqttException e) {
            // broker restarting: not sent
        }
    }

    private static MqttMessage message(byte[] payload, String frameId) {
        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty("frame_id", frameId)));
        return new MqttMessage(payload, 0, false, p);
    }
}
