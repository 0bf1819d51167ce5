package io.hastegw.daemon;

import static io.hastegw.daemon.TestImages.jpeg;
import static io.hastegw.daemon.TestImages.png;
import static io.hastegw.daemon.TestImages.smooth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images that are small on the wire and huge once decoded, sent to a gateway that runs in its own
 * JVM with the systemd unit's flags (-Xmx384m, exit on OutOfMemoryError) and two workers: each
 * gets its prediction or a clear refusal, and the process lives on. Before decoding was
 * subsampled and budgeted, the first of them made the JVM exit with status 3.
 */
@Tag("broker")
class HugeFramesTest {
    @TempDir
    static Path tmp;
    private static ForkedGateway gateway;
    private static MqttTestClient client;

    @BeforeAll
    static void start() throws Exception {
        client = new MqttTestClient("haste/+/status");
        gateway = new ForkedGateway(tmp, "huge", ForkedGateway.unitJvmFlags(), "model.path=" + TestModels.resnet20(),
                "model.card=" + TestModels.resnet20Card(), "pipeline.workers=2", "model.cost_plan=false").awaitOnline(client);
        client.close();
        client = new MqttTestClient("haste/" + gateway.id + "/#");
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gateway.close();
    }

    private MqttTestClient.Received answer(String frameId) throws InterruptedException {
        return client.await(r -> (r.topic().endsWith("/predictions") || r.topic().endsWith("/errors")) && frameId.equals(r.json().get("frame_id")), 60);
    }

    private void assertStillRunning() throws Exception {
        assertTrue(gateway.process.isAlive(), "the gateway exited (" + (gateway.process.isAlive() ? "" : gateway.process.exitValue()) + "):\n"
                + gateway.logText());
        client.publish(gateway.frames("after"), Files.readAllBytes(TestModels.cifar("cat", 1)), null, "after", null);
        assertTrue(answer("after").topic().endsWith("/cameras/after/predictions"));
    }

    @Test
    void aFortyMegapixelPngOfAHundredKilobytesIsPredicted() throws Exception {
        byte[] bomb = png(smooth(6400, 6250, BufferedImage.TYPE_BYTE_GRAY));
        assertTrue(bomb.length < 2 << 20, bomb.length + " bytes");
        client.publish(gateway.frames("bomb"), bomb, null, "bomb", null);
        var answer = answer("bomb");
        System.out.println("40-Mpixel PNG: " + answer.json().get("latency_ms"));
        assertEquals("haste/" + gateway.id + "/cameras/bomb/predictions", answer.topic(), answer.json().toString());
        assertStillRunning();
    }

    @Test
    void aBaselineJpegOf6320x6320IsPredicted() throws Exception {
        client.publish(gateway.frames("jpeg"), jpeg(smooth(6320, 6320, BufferedImage.TYPE_INT_RGB), false), null, "jpeg", null);
        var answer = answer("jpeg");
        assertEquals("haste/" + gateway.id + "/cameras/jpeg/predictions", answer.topic(), answer.json().toString());
        assertStillRunning();
    }

    @Test
    void twoLargePngsOnTwoCamerasAtOnceAreBothPredicted() throws Exception {
        byte[] large = png(smooth(5700, 5700, BufferedImage.TYPE_INT_RGB));
        client.publish(gateway.frames("one"), large, null, "one", null);
        client.publish(gateway.frames("two"), large, null, "two", null);
        var one = answer("one");
        System.out.println("5700x5700 PNG: " + one.json().get("latency_ms"));
        assertTrue(one.topic().endsWith("/cameras/one/predictions"));
        assertTrue(answer("two").topic().endsWith("/cameras/two/predictions"));
        assertStillRunning();
    }

    @Test
    void aProgressiveJpegWhoseCoefficientsExceedTheBudgetIsRefused() throws Exception {
        client.publish(gateway.frames("prog"), jpeg(smooth(6320, 6320, BufferedImage.TYPE_INT_RGB), true), null, "prog", null);
        Map<String, Object> error = answer("prog").json();
        assertEquals("wrong_image_shape", error.get("reason"));
        // Budget: a quarter of the heap (-Xmx384m, as the JVM reports it) over the two workers and the heavy lane.
        assertTrue(((String) error.get("message")).matches("jpeg frame of 6320x6320 pixels needs about 239\\.7 MB to decode; the budget is "
                + "3[0-9]\\.[0-9] MB per frame \\(pipeline\\.decode_memory_bytes\\)"), (String) error.get("message"));
        assertStillRunning();
    }

    @Test
    void aPngWithRowsTooWideForTheBudgetIsRefusedBeforeDecoding() throws Exception {
        client.publish(gateway.frames("wide"), png(smooth(2_000_000, 2, BufferedImage.TYPE_BYTE_GRAY)), null, "wide", null);
        Map<String, Object> error = answer("wide").json();
        assertEquals("wrong_image_shape", error.get("reason"));
        assertTrue(((String) error.get("message")).startsWith("png frame of 2000000x2 pixels needs about 64.0 MB to decode"),
                (String) error.get("message"));
        assertStillRunning();
    }

    @Test
    void anImageAboveThePixelLimitIsRefusedFromItsHeader() throws Exception {
        client.publish(gateway.frames("limit"), png(smooth(6400, 6251, BufferedImage.TYPE_BYTE_GRAY)), null, "limit", null);
        Map<String, Object> error = answer("limit").json();
        assertEquals(List.of("wrong_image_shape", "png frame of 6400x6251 pixels; allowed: up to 40000000 pixels"),
                List.of(error.get("reason"), error.get("message")));
    }
}
