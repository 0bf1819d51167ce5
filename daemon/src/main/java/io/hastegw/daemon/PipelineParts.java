package io.hastegw.daemon;

import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.config.PipelineSection;
import io.hastegw.daemon.detection.DetectionStage;
import io.hastegw.daemon.energy.EnergyAccounting;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.pipeline.CardPreprocessor;
import io.hastegw.daemon.plugin.Host;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.daemon.plugin.PluginSafety;
import io.hastegw.op.card.ModelCard;
import io.hastegw.op.card.OutputKind;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.plugin.api.PipelineLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of the pipeline the configuration chooses by name: the model card, the plugins (with
 * the host they see), the preprocessor, the energy model and a detector's decoding. A name that
 * nothing registered stops the start with a message saying so.
 */
public final class PipelineParts {
    /** {@code pipeline.preprocessor} value for the model card's own preprocessing. */
    static final String CARD_PREPROCESSOR = "card";

    private PipelineParts() {}

    /** The card {@code model.card} names. */
    public static ModelCard card(GatewayConfig config) throws StartupException {
        return ModelOpener.card(config);
    }

    /**
     * Loads the plugins {@code config} enables, for a model described by {@code card}, publishing through {@code mqtt}, with
     * {@code safety}'s ledger and quarantine.
     */
    public static PluginRuntime plugins(GatewayConfig config, ModelCard card, Map<String, String> env, MeterRegistry meters, MqttOutput mqtt,
                                        PluginSafety safety) {
        int[] chw = card.chw();
        PipelineSection p = config.pipeline();
        Host host = new Host(config.gatewayId(), new ModelInfo(card.name(), chw[0], chw[1], chw[2], card.labels(),
                card.output().kind() == OutputKind.PROBABILITIES || card.detector(), card.detector()),
                new PipelineLimits(p.maxPayloadBytes(), p.maxImagePixels(), p.decodeBudget(Runtime.getRuntime().maxMemory()),
                        config.plugins().stageTimeoutMs()),
                new Messages(config.gatewayId())::prediction,
                env.containsKey("STATE_DIRECTORY") ? Path.of(env.get("STATE_DIRECTORY").split(":")[0], "plugins")
                        : Path.of(System.getProperty("java.io.tmpdir"), "haste-gateway", "plugins"), mqtt);
        return PluginRuntime.load(config.plugins(), builtinPlugins(), host, meters, System.getProperty("user.name"), safety);
    }

    /**
     * The built-in plugins' default folder: {@code plugins} next to the gateway's jar (next to
     * {@code target/classes} when run from a build: {@code daemon/target/plugins}).
     */
    static Path builtinPlugins() {
        try {
            Path code = Path.of(PipelineParts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("plugins");
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of("plugins").toAbsolutePath();
        }
    }

    /**
     * The energy model {@code energy.model} names. The default, the energy-profiles plugin's
     * {@code profile}, is absent on a board no profile matches (no estimates, as that plugin
     * logs); any other name must be registered by a running plugin.
     */
    static Optional<EnergyModel> energyModel(GatewayConfig config, PluginRuntime plugins) throws StartupException {
        String name = config.energy().model();
        Optional<EnergyModel> model = plugins.energyModel(name);
        if (model.isEmpty() && !name.equals(EnergyAccounting.PROFILE_MODEL)) {
            throw new StartupException("key 'energy.model' names '" + name + "', which no running plugin registered (haste-gateway "
                    + "--list-plugins shows what runs)");
        }
        return model;
    }

    /** The card's preprocessing, or the plugin preprocessor {@code pipeline.preprocessor} names. */
    static ImagePreprocessor preprocessor(GatewayConfig config, ModelCard card, PluginRuntime plugins) throws StartupException {
        String name = config.pipeline().preprocessor();
        if (name.equals(CARD_PREPROCESSOR)) {
            return new CardPreprocessor(card);
        }
        return plugins.preprocessor(name).orElseThrow(() -> new StartupException("key 'pipeline.preprocessor' names '" + name
                + "', which no running plugin registered (haste-gateway --list-plugins shows what runs)"));
    }

    /** A detector's decoding and zones (empty for a classifier); a zone that does not fit the model stops the start. */
    static Optional<DetectionStage> detectionStage(GatewayConfig config, ModelCard card) throws StartupException {
        try {
            return DetectionStage.of(card, config.detection());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }
}
