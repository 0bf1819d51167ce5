package io.hastegw.plugin.testkit;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.Extensions;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameSource;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.PredictionSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stages a plugin registers in {@code init}, by kind and name, with the gateway's rules: a name once per kind, no nulls. */
final class RecordingExtensions implements Extensions {
    /** The stage kinds, with the tag the gateway lists them by. */
    enum Kind {
        SOURCE("source"), DECODER("decoder"), PREPROCESSOR("preprocessor"), POST_PROCESSOR("post"), SINK("sink"), ENERGY_MODEL("energy"), POLICY("policy");

        private final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    private final Map<String, Object> stages = new LinkedHashMap<>();

    private void add(Kind kind, String name, Object stage) {
        if (name == null || name.isBlank() || stage == null) {
            throw new IllegalArgumentException("a " + kind.tag + " stage needs a name and an implementation (got " + name + ", " + stage + ")");
        }
        if (stages.putIfAbsent(kind.tag + ":" + name, stage) != null) {
            throw new IllegalArgumentException("a " + kind.tag + " stage named '" + name + "' is already registered");
        }
    }

    /** Stage {@code name} of {@code kind}. */
    <T> T get(Kind kind, String name, Class<T> type) {
        Object s = stages.get(kind.tag + ":" + name);
        if (s == null) {
            throw new IllegalArgumentException("the plugin registered no " + kind.tag + " stage '" + name + "'; it registered " + names());
        }
        return type.cast(s);
    }

    /** Every stage of {@code kind}, in the order registered. */
    <T> List<T> all(Kind kind, Class<T> type) {
        List<T> out = new ArrayList<>();
        stages.forEach((key, s) -> {
            if (key.startsWith(kind.tag + ":")) {
                out.add(type.cast(s));
            }
        });
        return out;
    }

    List<String> names() {
        return List.copyOf(stages.keySet());
    }

    @Override
    public void frameSource(String name, FrameSource source) {
        add(Kind.SOURCE, name, source);
    }

    @Override
    public void decoder(String name, FrameDecoder decoder) {
        add(Kind.DECODER, name, decoder);
    }

    @Override
    public void preprocessor(String name, ImagePreprocessor preprocessor) {
        add(Kind.PREPROCESSOR, name, preprocessor);
    }

    @Override
    public void postProcessor(String name, PostProcessor postProcessor) {
        add(Kind.POST_PROCESSOR, name, postProcessor);
    }

    @Override
    public void predictionSink(String name, PredictionSink sink) {
        add(Kind.SINK, name, sink);
    }

    @Override
    public void energyModel(String name, EnergyModel model) {
        add(Kind.ENERGY_MODEL, name, model);
    }

    @Override
    public void compressionPolicy(String name, CompressionPolicy.Factory factory) {
        add(Kind.POLICY, name, factory);
    }
}
