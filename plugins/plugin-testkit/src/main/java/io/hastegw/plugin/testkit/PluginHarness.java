package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.Plugin;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.PredictionSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One plugin under test, run as the gateway runs it but without one: its descriptor is read and its API version
 * checked, {@code init} gets a {@link FakeContext} and records the stages it registers, {@code start} and {@code stop}
 * are called, and what it does through the context (MQTT messages, metrics, log lines) is captured. A test then calls
 * the stages with frames, images, scores and predictions ({@link TestData}) and asserts what they return or captured:
 * <pre>{@code
 * try (PluginHarness h = PluginHarness.builder(new MyPlugin()).config(Map.of("k", 2)).start()) {
 *     List<ScoredLabel> top = h.postProcessor("top-k").process(scores, List.of(), TestData.frame("cam", "f1"));
 *     assertEquals(1, h.mqtt().published().size());
 * }
 * }</pre>
 * The gateway also checks the configuration against the descriptor's JSON Schema and runs each call within a time
 * budget; the kit does neither (its calls run on the test's thread).
 */
public final class PluginHarness implements AutoCloseable {
    private final Plugin plugin;
    private final FakeContext context;
    private final RecordingExtensions stages = new RecordingExtensions();
    private final Path madeDataDir;
    private FrameCapture sourceInput;
    private boolean started;

    private PluginHarness(Plugin plugin, FakeContext context, Path madeDataDir) {
        this.plugin = plugin;
        this.context = context;
        this.madeDataDir = madeDataDir;
    }

    /** A harness for {@code plugin}, to configure and then {@link Builder#start()} (or {@link Builder#init()}). */
    public static Builder builder(Plugin plugin) {
        return new Builder(plugin);
    }

    /** The settings of the harness; defaults: the descriptor's id, gateway {@code gw-test}, an empty configuration, {@link TestData#MODEL}, {@link TestData#LIMITS}, a temporary data folder. */
    public static final class Builder {
        private final Plugin plugin;
        private String pluginId;
        private String gatewayId = "gw-test";
        private Map<String, Object> config = Map.of();
        private ModelInfo model = TestData.MODEL;
        private PipelineLimits limits = TestData.LIMITS;
        private Path dataDir;

        private Builder(Plugin plugin) {
            this.plugin = plugin;
        }

        /** Its id (default: the {@code id} of the {@code haste-plugin.json} its class loader finds). */
        public Builder pluginId(String id) {
            this.pluginId = id;
            return this;
        }

        /** The gateway's id, which its MQTT topics start with ({@code haste/<gatewayId>/}). */
        public Builder gatewayId(String id) {
            this.gatewayId = id;
            return this;
        }

        /** Its configuration, as {@code plugins.settings.<id>.config} would give it. */
        public Builder config(Map<String, Object> settings) {
            this.config = Map.copyOf(settings);
            return this;
        }

        /** The model the gateway runs. */
        public Builder model(ModelInfo info) {
            this.model = info;
            return this;
        }

        /** The pipeline's limits. */
        public Builder limits(PipelineLimits pipelineLimits) {
            this.limits = pipelineLimits;
            return this;
        }

        /** Its data folder (default: a temporary folder, deleted by {@link PluginHarness#close()}). */
        public Builder dataDir(Path folder) {
            this.dataDir = folder;
            return this;
        }

        /**
         * Calls the plugin's {@code init}; its stages are then registered but it is not started.
         *
         * @throws IllegalStateException its descriptor is missing or needs an API this kit does not implement
         * @throws Exception             what {@code init} threw
         */
        public PluginHarness init() throws Exception {
            Descriptor d = Descriptor.of(plugin.getClass());
            Path made = dataDir == null ? Files.createTempDirectory("haste-plugin-test") : null;
            FakeContext context = new FakeContext(pluginId == null ? d.id() : pluginId, gatewayId, config, model, limits,
                    dataDir == null ? made : dataDir);
            PluginHarness h = new PluginHarness(plugin, context, made);
            try {
                plugin.init(context, h.stages);
            } catch (Exception | Error e) {
                h.close();
                throw e;
            }
            return h;
        }

        /** {@link #init()}, then the plugin's {@code start}. */
        public PluginHarness start() throws Exception {
            PluginHarness h = init();
            try {
                h.plugin.start();
                h.started = true;
            } catch (Exception | Error e) {
                h.close();
                throw e;
            }
            return h;
        }
    }

    /** The context the plugin got: what it published, counted and logged. */
    public FakeContext context() {
        return context;
    }

    /** Shorthand for {@code context().mqtt()}. */
    public RecordingMqtt mqtt() {
        return context.mqtt();
    }

    /** Shorthand for {@code context().metrics()}. */
    public RecordedMetrics metrics() {
        return context.metrics();
    }

    /** The stages it registered, as the gateway lists them ({@code post:top-k}, {@code sink:copy}, ...), in order. */
    public List<String> stageNames() {
        return stages.names();
    }

    /** Its decoder {@code name}. */
    public FrameDecoder decoder(String name) {
        return stages.get(RecordingExtensions.Kind.DECODER, name, FrameDecoder.class);
    }

    /** The first of its decoders that supports {@code format}, as the gateway picks one. */
    public FrameDecoder decoderFor(String format) {
        return stages.all(RecordingExtensions.Kind.DECODER, FrameDecoder.class).stream().filter(d -> d.supports(format)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no decoder of the plugin supports '" + format + "'; it registered " + stageNames()));
    }

    /** Its preprocessor {@code name}. */
    public ImagePreprocessor preprocessor(String name) {
        return stages.get(RecordingExtensions.Kind.PREPROCESSOR, name, ImagePreprocessor.class);
    }

    /** Its post-processor {@code name}. */
    public PostProcessor postProcessor(String name) {
        return stages.get(RecordingExtensions.Kind.POST_PROCESSOR, name, PostProcessor.class);
    }

    /** Its prediction sink {@code name}. */
    public PredictionSink sink(String name) {
        return stages.get(RecordingExtensions.Kind.SINK, name, PredictionSink.class);
    }

    /** Its energy model {@code name}. */
    public EnergyModel energyModel(String name) {
        return stages.get(RecordingExtensions.Kind.ENERGY_MODEL, name, EnergyModel.class);
    }

    /** A policy of its compression policy factory {@code name}, made for {@code targets} as the controller makes one. */
    public CompressionPolicy policy(String name, CompressionPolicy.Targets targets) {
        return stages.get(RecordingExtensions.Kind.POLICY, name, CompressionPolicy.Factory.class).create(targets);
    }

    /**
     * Starts every frame source it registered, as the gateway does once connected; their frames are captured by the
     * returned input (accepting all until told otherwise).
     */
    public FrameCapture startSources() throws Exception {
        sourceInput = new FrameCapture();
        for (var source : stages.all(RecordingExtensions.Kind.SOURCE, io.hastegw.plugin.api.FrameSource.class)) {
            source.start(sourceInput);
        }
        return sourceInput;
    }

    /** Its health, as {@code /status} shows it. */
    public Health health() {
        return plugin.health();
    }

    /** Stops its sources (if started) and the plugin, ends its scheduler, and deletes the data folder the kit made. */
    @Override
    public void close() throws Exception {
        try {
            if (sourceInput != null) {
                for (var source : stages.all(RecordingExtensions.Kind.SOURCE, io.hastegw.plugin.api.FrameSource.class)) {
                    source.stop();
                }
            }
            if (started) {
                plugin.stop();
            }
        } finally {
            context.close();
            if (madeDataDir != null) {
                delete(madeDataDir);
            }
        }
    }

    private static void delete(Path folder) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(folder)) {
            walk.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
