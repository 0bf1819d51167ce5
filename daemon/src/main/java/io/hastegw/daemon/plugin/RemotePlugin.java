package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.FrameInput;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.pluginhost.Link;
import io.hastegw.pluginhost.Op;
import io.hastegw.pluginhost.Requests;
import io.hastegw.pluginhost.StageKind;
import io.hastegw.pluginhost.ApiWire;
import io.hastegw.pluginhost.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process-isolated plugin as the gateway's runtime sees it: a {@link Plugin} whose lifecycle
 * calls, and whose stages ({@link RemoteStages}), are requests to its {@link PluginProcess}. Its
 * {@code init} starts the host; the same set-up (INIT, START when started, the started frame
 * sources) is replayed on every restarted host. It serves the host's requests with the plugin's
 * own {@link PluginContext} (the gateway's MQTT output with its topic rules, metrics, logger).
 */
final class RemotePlugin implements Plugin, PluginProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(RemotePlugin.class);

    private final List<Path> jars;
    private final Path dataDir;
    private final long budgetMs;
    private final java.util.function.Function<PluginProcess.Service, PluginProcess> processes;
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    /** Each energy model's {@code method()}, as its host reported it at INIT. */
    private final Map<String, String> methods = new ConcurrentHashMap<>();
    private final AtomicReference<FrameInput> input = new AtomicReference<>();
    private volatile PluginProcess process;
    private volatile PluginContext context;
    private volatile List<String> keys;
    private volatile boolean started;

    /**
     * @param jars      the plugin's jars
     * @param dataDir   its data directory
     * @param budgetMs  a stage call's budget
     * @param processes makes its process, serving the host's requests with the given service
     */
    RemotePlugin(List<Path> jars, Path dataDir, long budgetMs, java.util.function.Function<PluginProcess.Service, PluginProcess> processes) {
        this.jars = List.copyOf(jars);
        this.dataDir = dataDir;
        this.budgetMs = budgetMs;
        this.processes = processes;
    }

    /** Its process (after {@code init}). */
    PluginProcess process() {
        return process;
    }

    @Override
    public void init(PluginContext ctx, Extensions extensions) throws Exception {
        this.context = ctx;
        this.process = processes.apply(this);
        try {
            process.start(this::replay);
        } catch (Requests.Failed e) {
            // Worded as the in-process loader words it: the host's refusal is the plugin's, not the host's.
            throw e.failure() == Op.Failure.UNLOADABLE ? new PluginFailure(PluginFailure.Reason.REFUSED, e.getMessage(), e)
                    : new RemoteStages.Threw(e.getMessage());
        }
        for (String key : keys) {
            int colon = key.indexOf(':');
            StageKind kind = kindOf(key.substring(0, colon));
            String name = key.substring(colon + 1);
            Object stage = RemoteStages.of(kind, new RemoteStages.Remote(process, key, budgetMs), methods.get(key), input::set);
            register(extensions, kind, name, stage);
        }
    }

    private static StageKind kindOf(String tag) throws IOException {
        for (StageKind k : StageKind.values()) {
            if (k.tag().equals(tag)) {
                return k;
            }
        }
        throw new IOException("its host registered a stage of unknown kind '" + tag + "'");
    }

    private static void register(Extensions e, StageKind kind, String name, Object stage) {
        switch (kind) {
            case SOURCE -> e.frameSource(name, (io.hastegw.plugin.api.FrameSource) stage);
            case DECODER -> e.decoder(name, (io.hastegw.plugin.api.FrameDecoder) stage);
            case PREPROCESSOR -> e.preprocessor(name, (io.hastegw.plugin.api.ImagePreprocessor) stage);
            case POST_PROCESSOR -> e.postProcessor(name, (io.hastegw.plugin.api.PostProcessor) stage);
            case SINK -> e.predictionSink(name, (io.hastegw.plugin.api.PredictionSink) stage);
            case ENERGY_MODEL -> e.energyModel(name, (io.hastegw.plugin.api.EnergyModel) stage);
            case POLICY -> e.compressionPolicy(name, (io.hastegw.plugin.api.CompressionPolicy.Factory) stage);
        }
    }

    /** Brings a new host to the plugin's state: INIT (its stages must be the first host's), START, the started sources. */
    private void replay(Requests r) throws Exception {
        List<String> found = r.call(Op.INIT, this::writeInit, this::readStages, PluginProcess.START_MS);
        if (keys != null && !keys.equals(found)) {
            throw new IOException("its restarted host registered other stages (" + found + ", before " + keys + ")");
        }
        keys = found;
        if (started) {
            r.call(Op.START, out -> { }, in -> null, LoadedPlugin.LIFECYCLE_MS);
            if (input.get() != null) {
                for (String key : keys) {
                    if (key.startsWith(StageKind.SOURCE.tag() + ":")) {
                        r.call(Op.SOURCE_START, out -> Wire.string(out, key), in -> null, LoadedPlugin.LIFECYCLE_MS);
                    }
                }
            }
        }
    }

    private void writeInit(java.io.DataOutputStream out) throws IOException {
        out.writeInt(jars.size());
        for (Path j : jars) {
            Wire.string(out, j.toAbsolutePath().toString());
        }
        Wire.string(out, context.pluginId());
        Wire.string(out, context.gatewayId());
        Wire.json(out, context.config());
        Wire.string(out, dataDir.toString());
        ApiWire.model(out, context.model());
        ApiWire.limits(out, context.limits());
    }

    private List<String> readStages(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = Wire.string(in);
            String method = Wire.string(in);
            if (method != null) {
                methods.put(key, method);
            }
            out.add(key);
        }
        return out;
    }

    @Override
    public void start() throws Exception {
        lifecycle(Op.START);
        started = true;
    }

    @Override
    public void stop() {
        process.stop(LoadedPlugin.LIFECYCLE_MS);
    }

    @Override
    public Health health() {
        try {
            return process.call(Op.HEALTH, out -> { }, ApiWire::health, budgetMs);
        } catch (Requests.Failed e) {
            return Health.down(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("interrupted");
        }
    }

    private void lifecycle(Op op) throws Exception {
        try {
            process.call(op, out -> { }, in -> null, LoadedPlugin.LIFECYCLE_MS);
        } catch (Requests.Failed e) {
            throw new RemoteStages.Threw(e.getMessage());
        }
    }

    @Override
    public void serve(Link.Message m, Link link) throws IOException {
        DataInputStream in = m.body();
        switch (m.op()) {
            case SUBMIT -> {
                FrameInput to = input.get();
                boolean taken = to != null && to.submit(ApiWire.frame(in));
                link.send(Op.REPLY, m.id(), out -> out.writeBoolean(taken));
            }
            case PUBLISH -> {
                String topic = Wire.string(in);
                try {
                    boolean sent = context.mqtt().publish(topic, Wire.bytes(in), in.readInt(), in.readBoolean(), Wire.stringMap(in), Wire.bytes(in),
                            Wire.string(in));
                    link.send(Op.REPLY, m.id(), out -> out.writeBoolean(sent));
                } catch (IllegalArgumentException e) {
                    link.fail(m.id(), Op.Failure.INVALID, e.getMessage(), null);
                }
            }
            case PREDICTION_JSON -> {
                byte[] json = context.predictionJson(ApiWire.prediction(in));
                link.send(Op.REPLY, m.id(), out -> Wire.bytes(out, json));
            }
            case LOG -> context.logger().log(level(in.readInt()), Wire.string(in));
            case COUNT -> context.metrics().count(Wire.string(in), in.readLong());
            case GAUGE -> {
                String name = Wire.string(in);
                double v = in.readDouble();
                gauges.computeIfAbsent(name, n -> {
                    AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                    context.metrics().gauge(n, () -> value.get());
                    return value;
                }).set(v);
            }
            default -> {
                LOG.warn("plugin {}: its host sent {}, which it may not; ignored", context.pluginId(), m.op());
                link.fail(m.id(), Op.Failure.INVALID, "the gateway does not serve " + m.op(), null);
            }
        }
    }

    private static System.Logger.Level level(int severity) {
        for (System.Logger.Level l : System.Logger.Level.values()) {
            if (l.getSeverity() == severity) {
                return l;
            }
        }
        return System.Logger.Level.INFO;
    }
}
