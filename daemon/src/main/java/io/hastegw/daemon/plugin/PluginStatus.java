package io.hastegw.daemon.plugin;

import java.util.List;

/**
 * One plugin as {@code --list-plugins} prints it and /status shows it.
 *
 * @param id       its id (null when its descriptor could not be read)
 * @param version  its version, or null
 * @param api      the API version it needs, or null
 * @param origin   {@code builtin} or {@code operator} (from {@code plugins.dir})
 * @param location its jar or folder
 * @param isolation where it runs: {@code in-process} or {@code process} (a plugin host of its own); null when it is not loaded
 * @param state    {@code running}, {@code disabled} (failed too often), {@code refused}, {@code quarantined}, {@code not_enabled}
 * @param reason   why it is not running, or null
 * @param stages   the stages it registered ({@code decoder:jpeg}, ...)
 * @param failures its failures so far
 * @param healthy  its own health (null when it is not running)
 * @param health   its health detail, or null
 */
public record PluginStatus(String id, String version, String api, String origin, String location, String isolation, String state, String reason,
                           List<String> stages, long failures, Boolean healthy, String health) {
    /** Running. */
    public static final String RUNNING = "running";
    /** Disabled after failing {@code plugins.max_failures} times among its last {@code plugins.failure_window} calls. */
    public static final String DISABLED = "disabled";
    /** Not loaded: a problem named in {@code reason}. */
    public static final String REFUSED = "refused";
    /** Not loaded: quarantined after the gateway's run ended while it was running (until an operator clears it). */
    public static final String QUARANTINED = "quarantined";
    /** Found but not enabled (by the configuration or a DISABLED marker file). */
    public static final String NOT_ENABLED = "not_enabled";

    /**
     * A plugin that is not running ({@link #REFUSED} or {@link #NOT_ENABLED}): named by its
     * descriptor where it could be read, else by {@code id} (null when unknown).
     */
    static PluginStatus unloaded(String state, PluginCandidate c, PluginDescriptor d, String id, String reason) {
        return new PluginStatus(d == null ? id : d.id(), d == null ? null : d.version(), d == null ? null : d.api(), c.origin().wire(),
                c.where(), null, state, reason, List.of(), 0, null, null);
    }

    /** As /status and the plugin commands' answers show it (every field, nulls included). */
    public java.util.Map<String, Object> json() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", id);
        m.put("version", version);
        m.put("api", api);
        m.put("origin", origin);
        m.put("location", location);
        m.put("isolation", isolation);
        m.put("state", state);
        m.put("reason", reason);
        m.put("stages", stages);
        m.put("failures", failures);
        m.put("healthy", healthy);
        m.put("health", health);
        return m;
    }

    /** The line {@code --list-plugins} prints. */
    public String line() {
        String name = (id == null ? "?" : id) + (version == null ? "" : " " + version);
        return String.format("%-10s %-28s %-9s %s%s%s", state, name, origin, location,
                stages.isEmpty() ? "" : "  [" + String.join(", ", stages) + "]", reason == null ? "" : "\n             " + reason);
    }
}
