package io.hastegw.daemon.plugin;

import io.hastegw.pluginhost.StageKind;
import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.EnergyModel;
import io.hastegw.plugin.api.FrameDecoder;
import io.hastegw.plugin.api.FrameRejectedException;
import io.hastegw.plugin.api.ImagePreprocessor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.PredictionSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The stages of the running plugins as the pipeline uses them, each behind its plugin's guard
 * ({@link GuardedStages}): the decoders (the operator's first), the post-processing chain in
 * its configured order, the sinks (created once, each behind a queue unless it never blocks),
 * the named preprocessors and energy models, and the policies.
 */
final class StageChains {
    private final List<LoadedPlugin> running;
    private final int sinkQueue;
    private final MeterRegistry registry;
    private final List<DeliverySink> sinks = new ArrayList<>();

    /** Over {@code running} (the live list of running plugins). */
    StageChains(List<LoadedPlugin> running, int sinkQueue, MeterRegistry registry) {
        this.running = running;
        this.sinkQueue = sinkQueue;
        this.registry = registry;
    }

    List<FrameDecoder> decoders() {
        return byOrigin().flatMap(p -> p.stages().of(StageKind.DECODER, FrameDecoder.class).stream()
                .<FrameDecoder>map(s -> new GuardedStages.Decoder(s.name(), s.stage(), p.guard()))).toList();
    }

    List<PostProcessor> postProcessors(List<String> first) {
        List<StageRegistry.Stage<PostProcessor>> rest = new ArrayList<>();
        running.stream().sorted(Comparator.comparing(p -> p.candidate().origin() == PluginOrigin.OPERATOR))
                .forEach(p -> rest.addAll(p.stages().of(StageKind.POST_PROCESSOR, PostProcessor.class)));
        List<StageRegistry.Stage<PostProcessor>> chain = new ArrayList<>();
        for (String name : first) {
            rest.stream().filter(s -> matches(s, name)).findFirst().ifPresent(s -> {
                chain.add(s);
                rest.remove(s);
            });
        }
        chain.addAll(rest);
        return chain.stream().<PostProcessor>map(s -> new GuardedStages.Post(s.name(), s.stage(), guardOf(s))).toList();
    }

    synchronized List<DeliverySink> sinks() {
        if (sinks.isEmpty()) {
            for (LoadedPlugin p : running) {
                for (StageRegistry.Stage<PredictionSink> s : p.stages().of(StageKind.SINK, PredictionSink.class)) {
                    sinks.add(!p.guard().isolated() && !blocking(p, s) ? new GuardedStages.InlineSink(s.name(), s.stage(), p.guard())
                            : new SinkQueue(p.id(), s.name(), s.stage(), p.guard(), sinkQueue, registry));
                }
            }
        }
        return List.copyOf(sinks);
    }

    /** Delivers what the queued sinks hold until {@code deadlineMillis}, then drops them. */
    synchronized void closeSinks(long deadlineMillis) {
        sinks.stream().filter(s -> s instanceof SinkQueue)
                .forEach(s -> ((SinkQueue) s).close(Math.max(1, deadlineMillis - System.currentTimeMillis())));
        sinks.clear();
    }

    private static boolean blocking(LoadedPlugin p, StageRegistry.Stage<PredictionSink> s) {
        try {
            return p.guard().call(StageKind.SINK.noun() + " '" + s.name() + "' (blocking)", s.stage()::blocking);
        } catch (PluginFailure | FrameRejectedException e) {
            return true;
        }
    }

    Optional<ImagePreprocessor> preprocessor(String name) {
        return named(StageKind.PREPROCESSOR, ImagePreprocessor.class, name).map(s -> new GuardedStages.Pre(s.name(), s.stage(), guardOf(s)));
    }

    Optional<EnergyModel> energyModel(String name) {
        return named(StageKind.ENERGY_MODEL, EnergyModel.class, name).map(s -> new GuardedStages.Energy(s.name(), s.stage(), guardOf(s)));
    }

    Map<String, CompressionPolicy.Factory> policies() {
        Map<String, CompressionPolicy.Factory> out = new LinkedHashMap<>();
        running.forEach(p -> p.stages().of(StageKind.POLICY, CompressionPolicy.Factory.class).forEach(s -> out.putIfAbsent(s.name(), s.stage())));
        return out;
    }

    private <T> Optional<StageRegistry.Stage<T>> named(StageKind kind, Class<T> type, String name) {
        return running.stream().flatMap(p -> p.stages().of(kind, type).stream()).filter(s -> matches(s, name)).findFirst();
    }

    /** {@code name} is the stage's name alone or {@code <plugin>/<stage>}. */
    private static boolean matches(StageRegistry.Stage<?> s, String name) {
        return name.equals(s.name()) || name.equals(s.plugin() + "/" + s.name());
    }

    private PluginGuard guardOf(StageRegistry.Stage<?> stage) {
        return running.stream().filter(p -> p.id().equals(stage.plugin())).findFirst().orElseThrow().guard();
    }

    private Stream<LoadedPlugin> byOrigin() {
        return Stream.concat(running.stream().filter(p -> p.candidate().origin() == PluginOrigin.OPERATOR),
                running.stream().filter(p -> p.candidate().origin() != PluginOrigin.OPERATOR));
    }
}
