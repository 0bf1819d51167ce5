package io.hastegw.pluginhost;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.PredictionSink;
import java.util.regex.Pattern;

/**
 * {@link Extensions} as one call, {@link #add(StageKind, String, Object)}: what the gateway's
 * registry and a plugin host's both build on. Also the one rule for meter names both sides check.
 */
public abstract class StageExtensions implements Extensions {
    private static final Pattern METER_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Registers {@code stage} of {@code kind} as {@code name}. */
    protected abstract void add(StageKind kind, String name, Object stage);

    /** {@code name} when it is a valid plugin meter name (1-64 of a-z 0-9 _, a letter first). */
    public static String meterName(String name) {
        if (name == null || !METER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("meter name '" + name + "' must be 1-64 of a-z 0-9 _ starting with a letter");
        }
        return name;
    }

    @Override
    public void frameSource(String name, FrameSource source) {
        add(StageKind.SOURCE, name, source);
    }

    @Override
    public void decoder(String name, FrameDecoder decoder) {
        add(StageKind.DECODER, name, decoder);
    }

    @Override
    public void preprocessor(String name, ImagePreprocessor preprocessor) {
        add(StageKind.PREPROCESSOR, name, preprocessor);
    }

    @Override
    public void postProcessor(String name, PostProcessor postProcessor) {
        add(StageKind.POST_PROCESSOR, name, postProcessor);
    }

    @Override
    public void predictionSink(String name, PredictionSink sink) {
        add(StageKind.SINK, name, sink);
    }

    @Override
    public void energyModel(String name, EnergyModel model) {
        add(StageKind.ENERGY_MODEL, name, model);
    }

    @Override
    public void compressionPolicy(String name, CompressionPolicy.Factory factory) {
        add(StageKind.POLICY, name, factory);
    }
}
