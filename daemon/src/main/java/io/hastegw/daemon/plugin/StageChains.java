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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The stages of the running plugins as the pipeline uses them, each behind its plugin's guard
 * ({@link GuardedStages}): the decoders (the operator's first), the post-processing chain in
 * its configured order, the sinks (created once, each behind a queue unless it never blocks),
 * the named preprocessors and energy models, and the policies. The decoders, the chain and the sinks are also
 * offered live ({@link #live}): rebuilt when the running plugins change (an operator's enable, disable or reload).
 */
final class StageChains {
    private final List<LoadedPlugin> running;
    private final int sinkQueue;
    private final MeterRegistry registry;
    private final AtomicInteger generation = new AtomicInteger();
    /** The sinks of each running plugin (by identity: a reloaded plugin's are new). */
    private final Map<LoadedPlugin, List<DeliverySink>> sinks = new LinkedHashMap<>();
    private volatile Snapshot<DeliverySink> sinkList;

    /** A list as built for one generation of the running plugins. */
    private record Snapshot<T>(int generation, List<T> list) {}

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

    /** The running plugins changed: the live lists are rebuilt; the sinks of plugins no longer running are closed now (their queues dropped). */
    void changed() {
        generation.incrementAndGet();
        sinks();
    }

    /** {@code build}'s list, rebuilt when the running plugins change. */
    <T> Supplier<List<T>> live(Supplier<List<T>> build) {
        return new Supplier<>() {
            private volatile Snapshot<T> last;

            @Override
            public List<T> get() {
                Snapshot<T> s = last;
                int g = generation.get();
                if (s == null || s.generation() != g) {
                    s = new Snapshot<>(g, List.copyOf(build.get()));
                    last = s;
                }
                return s.list();
            }
        };
    }

    /** The sinks of the running plugins, each created once per plugin (its queue and thread kept across other plugins' changes). */
    List<DeliverySink> sinks() {
        Snapshot<DeliverySink> s = sinkList;
        return s != null && s.generation() == generation.get() ? s.list() : rebuildSinks();
    }

    private synchronized List<DeliverySink> rebuildSinks() {
        int g = generation.get();
        sinks.entrySet().removeIf(e -> {
            boolean gone = !running.contains(e.getKey());
            if (gone) {
                close(e.getValue(), System.currentTimeMillis() + 1);
            }
            return gone;
        });
        List<DeliverySink> all = new ArrayList<>();
        for (LoadedPlugin p : running) {
            all.addAll(sinks.computeIfAbsent(p, this::sinksOf));
        }
        sinkList = new Snapshot<>(g, List.copyOf(all));
        return sinkList.list();
    }

    private List<DeliverySink> sinksOf(LoadedPlugin p) {
        List<DeliverySink> out = new ArrayList<>();
        for (StageRegistry.Stage<PredictionSink> s : p.stages().of(StageKind.SINK, PredictionSink.class)) {
            out.add(!p.guard().isolated() && !blocking(p, s) ? new GuardedStages.InlineSink(s.name(), s.stage(), p.guard())
                    : new SinkQueue(p.id(), s.name(), s.stage(), p.guard(), sinkQueue, registry));
        }
        return out;
    }

    /** Delivers what the queued sinks hold until {@code deadlineMillis}, then drops them. */
    synchronized void closeSinks(long deadlineMillis) {
        sinks.values().forEach(list -> close(list, deadlineMillis));
        sinks.clear();
        sinkList = new Snapshot<>(generation.get(), List.of());
    }

    private static void close(List<DeliverySink> list, long deadlineMillis) {
        list.stream().filter(s -> s instanceof SinkQueue).forEach(s -> ((SinkQueue) s).close(Math.max(1, deadlineMillis - System.currentTimeMillis())));
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
