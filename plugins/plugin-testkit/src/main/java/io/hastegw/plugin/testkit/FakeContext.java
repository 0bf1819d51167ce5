package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link PluginContext} a plugin under test gets: its configuration, the model and limits the test chose, a data
 * folder, a scheduler of its own (daemon threads, ended at close), and recorders for its MQTT messages, metrics and log
 * lines.
 */
public final class FakeContext implements PluginContext {
    private final String pluginId;
    private final String gatewayId;
    private final Map<String, Object> config;
    private final ModelInfo model;
    private final PipelineLimits limits;
    private final Path dataDir;
    private final RecordingLogger logger;
    private final RecordedMetrics metrics = new RecordedMetrics();
    private final RecordingMqtt mqtt;
    private final ScheduledExecutorService scheduler;

    FakeContext(String pluginId, String gatewayId, Map<String, Object> config, ModelInfo model, PipelineLimits limits, Path dataDir) {
        this.pluginId = pluginId;
        this.gatewayId = gatewayId;
        this.config = config;
        this.model = model;
        this.limits = limits;
        this.dataDir = dataDir;
        this.logger = new RecordingLogger("plugin." + pluginId);
        this.mqtt = new RecordingMqtt(gatewayId);
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "plugin-" + pluginId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String pluginId() {
        return pluginId;
    }

    @Override
    public String gatewayId() {
        return gatewayId;
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public RecordingLogger logger() {
        return logger;
    }

    @Override
    public RecordedMetrics metrics() {
        return metrics;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public PipelineLimits limits() {
        return limits;
    }

    @Override
    public RecordingMqtt mqtt() {
        return mqtt;
    }

    /**
     * A stand-in for the gateway's prediction message: the schema name, the camera, frame, model and top labels as the
     * gateway writes them (the gateway's message adds the level, MACs, energy, latency and, for a detector, the boxes).
     */
    @Override
    public byte[] predictionJson(Prediction p) {
        StringBuilder top = new StringBuilder();
        for (ScoredLabel l : p.top()) {
            top.append(top.length() == 0 ? "" : ",").append("{\"index\":").append(l.index()).append(",\"label\":").append(quote(l.label()))
                    .append(",\"score\":").append(l.score()).append('}');
        }
        String json = "{\"schema\":\"haste.prediction/3\",\"gateway_id\":" + quote(gatewayId) + ",\"camera_id\":" + quote(p.cameraId())
                + ",\"frame_id\":" + quote(p.frameId()) + ",\"model\":" + quote(p.model()) + ",\"top\":[" + top + "]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Ends its scheduler (the harness's close). */
    void close() {
        scheduler.shutdownNow();
    }
}
