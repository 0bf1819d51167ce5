package io.hastegw.pluginhost;

import io.hastegw.plugin.api.EnergyModel;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stages a plugin registers inside its host, by {@code <tag>:<name>} ({@code decoder:jpeg});
 * the gateway checks names and duplicates when it registers its proxies, so this side keeps them.
 */
final class HostStages extends StageExtensions {
    private final Map<String, Object> stages = new LinkedHashMap<>();
    private volatile boolean sealed;

    /** The stage registered as {@code key}, of {@code type}. */
    <T> T get(String key, Class<T> type) {
        Object s = stages.get(key);
        if (!type.isInstance(s)) {
            throw new IllegalArgumentException("no " + type.getSimpleName() + " registered as " + key);
        }
        return type.cast(s);
    }

    /** Ends registration and writes the keys (with an energy model's method) for the INIT reply. */
    void seal(DataOutputStream out) throws IOException {
        sealed = true;
        out.writeInt(stages.size());
        for (Map.Entry<String, Object> e : stages.entrySet()) {
            Wire.string(out, e.getKey());
            Wire.string(out, e.getValue() instanceof EnergyModel m ? m.method() : null);
        }
    }

    @Override
    protected synchronized void add(StageKind kind, String name, Object stage) {
        if (sealed) {
            throw new IllegalStateException("stages are registered during init only");
        }
        if (stage == null || stages.putIfAbsent(kind.tag() + ":" + name, stage) != null) {
            throw new IllegalArgumentException(kind.tag() + " '" + name + "' registered twice or without an implementation");
        }
    }
}
