package io.hastegw.plugin.api;

/**
 * A plugin's entry point, found with {@link java.util.ServiceLoader} in the plugin's own jars
 * ({@code META-INF/services/io.hastegw.plugin.api.Plugin} names exactly one implementation, with
 * a public no-argument constructor). The daemon calls, in order: {@link #init} once, {@link #start}
 * once every plugin is initialised and the gateway runs, {@link #health} whenever /status is
 * read, and {@link #stop} once at shutdown (also after a failed start). A plugin that throws from
 * {@code init} or {@code start} is refused and the gateway runs without it.
 */
public interface Plugin {
    /**
     * Reads the validated configuration from {@code context} and registers the plugin's stages
     * with {@code extensions}; must not start threads (use {@link #start}).
     *
     * @throws Exception when the plugin cannot work (the message is shown to operators)
     */
    void init(PluginContext context, Extensions extensions) throws Exception;

    /** Starts background work (connections, pollers); frame sources are started by the gateway afterwards. */
    default void start() throws Exception {}

    /** Stops background work and releases resources; the stages are no longer called after it. */
    default void stop() throws Exception {}

    /** Whether the plugin works now (a webhook sink: whether its endpoint answers); shown in /status. */
    default Health health() {
        return Health.up();
    }
}
