package io.hastegw.daemon.plugin;

import io.hastegw.pluginhost.StageExtensions;
import io.hastegw.pluginhost.StageKind;
import io.hastegw.plugin.api.Extensions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The stages one plugin registers during its {@code init}, keyed by {@link StageKind}: names are
 * checked (1-64 of A-Z a-z 0-9 . _ -, unique per kind), and once {@link #seal() sealed} nothing
 * more can be registered. What a plugin sees as its {@link Extensions}.
 */
final class StageRegistry extends StageExtensions {
    /** A stage a running plugin registered. */
    record Stage<T>(String plugin, String name, T stage) {}

    private final String plugin;
    private final Map<StageKind, List<Stage<?>>> stages = new EnumMap<>(StageKind.class);
    private final List<String> names = new ArrayList<>();
    private volatile boolean sealed;

    StageRegistry(String plugin) {
        this.plugin = plugin;
    }

    /** Ends registration (after {@code init}). */
    void seal() {
        sealed = true;
    }

    /** The stages of {@code kind}, in registration order. */
    @SuppressWarnings("unchecked")
    <T> List<Stage<T>> of(StageKind kind, Class<T> type) {
        List<Stage<T>> out = new ArrayList<>();
        stages.getOrDefault(kind, List.of()).forEach(s -> out.add((Stage<T>) s));
        return out;
    }

    /** Every stage as the gateway lists it ({@code decoder:jpeg}), in registration order. */
    synchronized List<String> names() {
        return List.copyOf(names);
    }

    @Override
    protected synchronized void add(StageKind kind, String name, Object stage) {
        if (sealed) {
            throw new IllegalStateException("stages are registered during init only");
        }
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}") || stage == null) {
            throw new IllegalArgumentException(kind.tag() + " '" + name
                    + "': a stage needs a name of 1-64 of A-Z a-z 0-9 . _ - and an implementation");
        }
        String listed = kind.tag() + ":" + name;
        if (names.contains(listed)) {
            throw new IllegalArgumentException(kind.tag() + " '" + name + "' registered twice");
        }
        names.add(listed);
        stages.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Stage<>(plugin, name, stage));
    }
}
