package io.hastegw.plugin.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.RejectReason;
import io.hastegw.plugin.api.ScoredLabel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginHarnessTest {
    private static final float[] SCORES = {0.1f, 0.2f, 0.05f, 3.5f, 0.0f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f};

    @Test
    void initRecordsEveryStageUnderTheGatewaysNamesAndTheDescriptorsId() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).start()) {
            assertEquals(List.of("post:best", "sink:copy", "decoder:text", "preprocessor:flat", "energy:per-mac", "policy:always", "source:ticker"),
                    h.stageNames());
            assertEquals("kit-demo", h.context().pluginId());
        }
    }

    @Test
    void aPostProcessorGetsScoresAndTheModelsLabels() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).start()) {
            assertEquals(List.of(new ScoredLabel(3, "cat", 3.5f)), h.postProcessor("best").process(SCORES, List.of(), TestData.frame("cam", "f1")));
        }
    }

    @Test
    void aSinksMessagesMetricsAndHealthAreCaptured() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).gatewayId("gw1").start()) {
            assertEquals("nothing sunk yet", h.health().detail());
            Frame f = TestData.frame("porch", "f7");
            h.sink("copy").publish(TestData.prediction(f, SCORES, List.of(new ScoredLabel(3, "cat", 0.9))));
            RecordingMqtt.Published p = h.mqtt().published().get(0);
            assertEquals("haste/gw1/copies/porch", p.topic());
            assertEquals(1, p.qos());
            assertEquals("{\"schema\":\"haste.prediction/3\",\"gateway_id\":\"gw1\",\"camera_id\":\"porch\",\"frame_id\":\"f7\",\"model\":\"test-model\","
                    + "\"top\":[{\"index\":3,\"label\":\"cat\",\"score\":0.9}]}", p.text());
            assertEquals(1, h.metrics().counter("copied"));
            assertEquals(1.0, h.metrics().gauge("sunk"));
            assertTrue(h.health().healthy());
        }
    }

    @Test
    void aDecoderIsPickedByFormatAndItsRejectionComesThrough() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).start()) {
            assertEquals(3, h.decoderFor("text").decode("abc".getBytes(StandardCharsets.UTF_8), "text").width());
            FrameRejectedException e = assertThrows(FrameRejectedException.class, () -> h.decoder("text").decode(new byte[0], "text"));
            assertEquals(RejectReason.MALFORMED_IMAGE, e.reason());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> h.decoderFor("webp"));
            assertTrue(none.getMessage().startsWith("no decoder of the plugin supports 'webp'"), none.getMessage());
        }
    }

    @Test
    void aPreprocessorAnEnergyModelAndAPolicyAnswer() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).start()) {
            assertArrayEquals(new long[] {1, 1, 1, 4}, h.preprocessor("flat").apply(new io.hastegw.plugin.api.Image(2, 2, 1, new byte[4])).shape());
            assertEquals(2.0, h.energyModel("per-mac").millijoules(2_000_000_000L, 10, 2), 1e-9);
            CompressionPolicy p = h.policy("always", new CompressionPolicy.Targets(50, 0.8, 0.25));
            assertEquals(CompressionPolicy.Pressure.RAISE, p.assess(TestData.signals(30, 80, 0.5, 0)).pressure());
            assertEquals(CompressionPolicy.Pressure.HOLD, p.assess(TestData.signals(30, 20, 0.5, 0)).pressure());
        }
    }

    @Test
    void aSourcesFramesAreCapturedAndARefusingInputIsHonoured() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).start()) {
            FrameCapture input = h.startSources();
            List<Frame> frames = input.await(3, 5000);
            assertEquals(List.of("t1", "t2", "t3"), frames.subList(0, 3).stream().map(Frame::frameId).toList());
            input.refuse(true);
            int before = input.frames().size();
            Thread.sleep(100);
            assertEquals(before, input.frames().size());
        }
    }

    @Test
    void theGatewaysOwnTopicsAreRefusedAsTheGatewayRefusesThem() throws Exception {
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).gatewayId("gw").start()) {
            for (String topic : List.of("haste/gw/errors", "haste/gw/status", "haste/gw/stats", "haste/gw/control/set", "haste/gw/cameras/c/frames",
                    "haste/gw/cameras/c/predictions", "haste/gw/cameras/c/zones/left/car", "haste/other/x", "haste/gw/#")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> h.mqtt().publish(topic, new byte[0], 0, false, Map.of(), null, null), topic);
                assertTrue(e.getMessage().startsWith("a plugin may publish only under haste/gw/"), e.getMessage());
            }
            assertTrue(h.mqtt().publish("haste/gw/cameras/c/plugin-notes", new byte[0], 0, false, Map.of(), null, null));
            assertThrows(IllegalArgumentException.class, () -> h.mqtt().publish("haste/gw/notes", new byte[0], 2, false, Map.of(), null, null));
        }
    }

    @Test
    void itsConfigurationAndDataFolderAreItsAndTheFolderIsDeletedAtClose() throws Exception {
        Path data;
        try (PluginHarness h = PluginHarness.builder(new KitDemoPlugin()).config(Map.of("k", 4)).start()) {
            data = h.context().dataDir();
            assertEquals("k=4", Files.readString(data.resolve("state.txt")));
            assertEquals("started with 10 labels", h.context().logger().lines().get(0).message());
        }
        assertFalse(Files.exists(data));
    }

    @Test
    void anInitThatThrowsIsReportedAndLeavesNothingBehind() {
        Plugin broken = new Plugin() {
            @Override
            public void init(PluginContext c, Extensions e) {
                e.postProcessor("a", (s, l, f) -> l);
                e.postProcessor("a", (s, l, f) -> l);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PluginHarness.builder(broken).start());
        assertEquals("a post stage named 'a' is already registered", e.getMessage());
    }
}
