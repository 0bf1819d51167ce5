package io.hastegw.pluginhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.LoadSignals;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire form between the gateway and a plugin host gives back exactly what was written, and refuses lengths it cannot hold. */
class ApiWireTest {
    private static DataInputStream roundTrip(Link.Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        body.write(new DataOutputStream(bytes));
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void aDetectorsPredictionWithEveryFieldComesBackEqual() throws IOException {
        Detections d = new Detections(640, 480, List.of(new Detection(2, "car", 0.8, 1, 2, 30, 40, List.of("drive"))),
                Map.of("drive", Map.of("car", 1)));
        Prediction p = new Prediction("cam", "f1", 123L, new byte[] {1, 2}, Map.of("site", "a"), List.of(new ScoredLabel(2, "car", 0.8)), "det",
                new InferenceResult(new float[] {0.1f, 0.8f, Float.NaN}, 3, 1000L, 600L), new Prediction.Latency(1, 2, 3, 6),
                new Prediction.Energy(1.5, 2.5, "x86 profile"), d);
        Prediction back = ApiWire.prediction(roundTrip(out -> ApiWire.prediction(out, p)));
        assertArrayEquals(p.result().scores(), back.result().scores());
        assertArrayEquals(p.correlationData(), back.correlationData());
        assertEquals(p.detections(), back.detections());
        assertEquals(List.of(p.cameraId(), p.frameId(), p.userProperties(), p.top(), p.model(), p.latency(), p.energy()),
                List.of(back.cameraId(), back.frameId(), back.userProperties(), back.top(), back.model(), back.latency(), back.energy()));
        assertEquals(p.result().executedMacs(), back.result().executedMacs());
    }

    @Test
    void aClassifiersPredictionKeepsItsNullsAndAFrameItsPayload() throws IOException {
        Prediction p = new Prediction("cam", null, 1L, null, Map.of(), List.of(), "m", new InferenceResult(new float[0], 0, 1, 1),
                new Prediction.Latency(0, 0, 0, 0), null, null);
        Prediction back = ApiWire.prediction(roundTrip(out -> ApiWire.prediction(out, p)));
        assertEquals(List.of("cam", "m"), List.of(back.cameraId(), back.model()));
        assertEquals(java.util.Arrays.asList(null, null, null, null), java.util.Arrays.asList(back.frameId(), back.correlationData(), back.energy(),
                back.detections()));
        Frame f = new Frame("cam", "f", new byte[] {9, 8, 7}, null, Map.of("k", "v"), null, 42L);
        Frame fb = ApiWire.frame(roundTrip(out -> ApiWire.frame(out, f)));
        assertArrayEquals(f.payload(), fb.payload());
        assertEquals(List.of("cam", "f", Map.of("k", "v"), 42L), List.of(fb.cameraId(), fb.frameId(), fb.userProperties(), fb.receivedNanos()));
    }

    @Test
    void jsonConfigurationAndPolicyValuesComeBackEqual() throws IOException {
        Map<String, Object> config = Map.of("url", "http://x", "retries", 3L, "ratio", 0.5, "on", true, "list", List.of(1L, "a"), "none",
                Map.of());
        assertEquals(config, Wire.json(roundTrip(out -> Wire.json(out, config))));
        LoadSignals s = new LoadSignals(10, 20.5, 8, 3, 9.5, 0.01, 2, 0.5, 0.3, Double.NaN, 2, 1, 1.4);
        assertEquals(s.toString(), ApiWire.signals(roundTrip(out -> ApiWire.signals(out, s))).toString());
        CompressionPolicy.Assessment a = new CompressionPolicy.Assessment(CompressionPolicy.Pressure.LOWER, "p95 8 ms", 8.0, false);
        assertEquals(a, ApiWire.assessment(roundTrip(out -> ApiWire.assessment(out, a))));
    }

    @Test
    void aLengthBeyondOneMessageIsRefusedBeforeAnythingIsAllocated() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Wire.bytes(roundTrip(out -> out.writeInt(Integer.MAX_VALUE))));
        assertEquals("a length of 2147483647 is not valid here", e.getMessage());
        assertThrows(IOException.class, () -> ApiWire.labels(roundTrip(out -> out.writeInt(-5))));
    }
}
