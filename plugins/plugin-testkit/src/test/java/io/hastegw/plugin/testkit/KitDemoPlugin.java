package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.InputTensor;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.RejectReason;
import io.hastegw.plugin.api.ScoredLabel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A plugin with one stage of every kind, for the kit's own tests. */
public final class KitDemoPlugin implements Plugin {
    private final AtomicInteger sunk = new AtomicInteger();
    private PluginContext context;

    @Override
    public void init(PluginContext c, Extensions e) throws Exception {
        this.context = c;
        int k = ((Number) c.config().getOrDefault("k", 1)).intValue();
        Files.writeString(c.dataDir().resolve("state.txt"), "k=" + k);
        c.metrics().gauge("sunk", sunk::get);
        e.postProcessor("best", (scores, labels, frame) -> {
            int best = 0;
            for (int i = 1; i < scores.length; i++) {
                best = scores[i] > scores[best] ? i : best;
            }
            return List.of(new ScoredLabel(best, c.model().labels().get(best), scores[best]));
        });
        e.predictionSink("copy", p -> {
            sunk.incrementAndGet();
            c.metrics().count("copied", 1);
            c.mqtt().publish("haste/" + c.gatewayId() + "/copies/" + p.cameraId(), c.predictionJson(p), 1, false, Map.of(), null, "application/json");
        });
        e.decoder("text", new io.hastegw.plugin.api.FrameDecoder() {
            @Override
            public boolean supports(String format) {
                return format.equals("text");
            }

            @Override
            public Image decode(byte[] payload, String format) throws FrameRejectedException {
                if (payload.length == 0) {
                    throw new FrameRejectedException(RejectReason.MALFORMED_IMAGE, "empty text frame");
                }
                return new Image(payload.length, 1, 1, payload);
            }
        });
        e.preprocessor("flat", image -> new InputTensor(new float[image.pixels().length], new long[] {1, 1, 1, image.pixels().length}));
        e.energyModel("per-mac", new io.hastegw.plugin.api.EnergyModel() {
            @Override
            public String method() {
                return "1 pJ per MAC";
            }

            @Override
            public double millijoules(long macs, double activeMillis, int threads) {
                return macs * 1e-9;
            }
        });
        e.compressionPolicy("always", targets -> new CompressionPolicy() {
            @Override
            public String name() {
                return "always";
            }

            @Override
            public Assessment assess(io.hastegw.plugin.api.LoadSignals s) {
                return s.p95LatencyMs() > targets.latencyTargetMs() ? new Assessment(Pressure.RAISE, "over", s.p95LatencyMs())
                        : new Assessment(Pressure.HOLD, "under", s.p95LatencyMs());
            }
        });
        e.frameSource("ticker", new io.hastegw.plugin.api.FrameSource() {
            private java.util.concurrent.ScheduledFuture<?> task;

            @Override
            public void start(io.hastegw.plugin.api.FrameInput input) {
                AtomicInteger n = new AtomicInteger();
                task = c.scheduler().scheduleAtFixedRate(() -> input.submit(TestData.frame("tick", "t" + n.incrementAndGet(),
                        "x".getBytes(StandardCharsets.UTF_8), "text/plain")), 0, 10, TimeUnit.MILLISECONDS);
            }

            @Override
            public void stop() {
                task.cancel(false);
            }
        });
    }

    @Override
    public void start() {
        context.logger().log(System.Logger.Level.INFO, "started with {0} labels", context.model().labels().size());
    }

    @Override
    public Health health() {
        return sunk.get() > 0 ? Health.up() : Health.down("nothing sunk yet");
    }
}
