package io.hastegw.pluginhost;

import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.PluginMetrics;
import io.hastegw.plugin.api.Prediction;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * A plugin's context inside its host: what the gateway sent with {@link Op#INIT}, and the
 * gateway's services (MQTT, metrics, logging, prediction messages) as requests over the link.
 */
final class HostContext implements PluginContext {
    /** How long a request to the gateway may take. */
    private static final long GATEWAY_MS = 5_000;

    private final Link link;
    private final Requests requests;
    private final String id;
    private final String gatewayId;
    private final Map<String, Object> config;
    private final Path dataDir;
    private final ModelInfo model;
    private final PipelineLimits limits;
    private final ScheduledExecutorService scheduler;
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    /** The context {@code init} (an INIT body) describes. */
    @SuppressWarnings("unchecked")
    HostContext(Link link, Requests requests, DataInputStream init) throws IOException {
        this.link = link;
        this.requests = requests;
        this.id = Wire.string(init);
        this.gatewayId = Wire.string(init);
        this.config = (Map<String, Object>) Wire.json(init);
        this.dataDir = Path.of(Wire.string(init));
        this.model = ApiWire.model(init);
        this.limits = ApiWire.limits(init);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-" + id + "-scheduler");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::sendGauges, 1, 1, TimeUnit.SECONDS);
    }

    private void sendGauges() {
        gauges.forEach((name, value) -> {
            try {
                double v = value.getAsDouble();
                link.send(Op.GAUGE, 0, o -> {
                    Wire.string(o, name);
                    o.writeDouble(v);
                });
            } catch (IOException | RuntimeException e) {
                // the gauge is left at its last value; the link's end is seen by the reader
            }
        });
    }

    @Override
    public String pluginId() {
        return id;
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
    public System.Logger logger() {
        return new LinkLogger();
    }

    @Override
    public PluginMetrics metrics() {
        return new PluginMetrics() {
            @Override
            public void count(String name, long amount) {
                String n = StageExtensions.meterName(name);
                oneWay(Op.COUNT, o -> {
                    Wire.string(o, n);
                    o.writeLong(amount);
                });
            }

            @Override
            public void gauge(String name, DoubleSupplier value) {
                gauges.putIfAbsent(StageExtensions.meterName(name), value);
            }
        };
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Path dataDir() {
        try {
            return Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
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
    public MqttOutput mqtt() {
        return new MqttOutput() {
            @Override
            public String predictionTopic(String cameraId) {
                return "haste/" + gatewayId + "/cameras/" + cameraId + "/predictions";
            }

            @Override
            public boolean publish(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties,
                                   byte[] correlationData, String contentType) {
                return ask(Op.PUBLISH, o -> {
                    Wire.string(o, topic);
                    Wire.bytes(o, payload);
                    o.writeInt(qos);
                    o.writeBoolean(retained);
                    Wire.stringMap(o, userProperties);
                    Wire.bytes(o, correlationData);
                    Wire.string(o, contentType);
                }, DataInputStream::readBoolean);
            }
        };
    }

    @Override
    public byte[] predictionJson(Prediction prediction) {
        return ask(Op.PREDICTION_JSON, o -> ApiWire.prediction(o, prediction), Wire::bytes);
    }

    /** A request to the gateway; its refusal (an invalid topic) is an {@link IllegalArgumentException}, as in-process. */
    <T> T ask(Op op, Link.Body body, Requests.Reader<T> reader) {
        try {
            return requests.call(op, body, reader, GATEWAY_MS);
        } catch (Requests.Failed e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (Requests.Late e) {
            throw new IllegalStateException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway's connection ended", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the gateway", e);
        }
    }

    private void oneWay(Op op, Link.Body body) {
        try {
            link.send(op, 0, body);
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway's connection ended", e);
        }
    }

    /** Stops the scheduler (after the plugin's stop). */
    void close() {
        scheduler.shutdownNow();
    }

    /** The plugin's logger: each line goes to the gateway's log under the plugin's name. */
    private final class LinkLogger implements System.Logger {
        @Override
        public String getName() {
            return "plugin." + id;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.INFO.getSeverity() && level != Level.OFF;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                String line = thrown == null ? msg : msg + ": " + thrown;
                oneWay(Op.LOG, o -> {
                    o.writeInt(level.getSeverity());
                    Wire.string(o, line);
                });
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params), (Throwable) null);
        }
    }
}
