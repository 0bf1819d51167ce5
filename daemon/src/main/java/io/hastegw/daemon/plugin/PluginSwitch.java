package io.hastegw.daemon.plugin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's enable, disable or reload of a plugin while the gateway runs (control command
 * {@code haste/<gateway_id>/control/plugins/set}, docs/mqtt-api.md): the decoders, the post-processing chain, the sinks
 * and the frame sources follow at once; nothing is written to the configuration (the next start applies
 * {@code plugins.settings} again). A plugin whose preprocessor, energy model or compression policy the pipeline holds
 * is refused: those are chosen at start. Blocking (a plugin's stop, init and start, a host's launch): called off the
 * event loop, one command at a time.
 */
public final class PluginSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(PluginSwitch.class);

    /** What an operator may do to a plugin. */
    public enum Action {
        /** Load and start a plugin that is not running (not enabled, disabled, refused): for this run. */
        ENABLE,
        /** Stop a running plugin and take its stages out of the pipeline, for this run. */
        DISABLE,
        /** Stop it if it runs, read its jars again, load and start it (a new version without a restart). */
        RELOAD;

        /** Its name in commands ({@code enable}, ...). */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The action named {@code wire}, if any. */
        public static Optional<Action> of(String wire) {
            for (Action a : values()) {
                if (a.wire().equals(wire)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** A command that was not carried out; its message says why. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final PluginRuntime runtime;
    private final List<String> held;

    /**
     * @param held the stages the pipeline chose at start, as {@code <kind>:<name>} or {@code <kind>:<plugin>/<name>}
     *             ({@code preprocessor:mean-grey}, {@code energy:profile}); every compression policy is held too
     */
    public PluginSwitch(PluginRuntime runtime, List<String> held) {
        this.runtime = runtime;
        this.held = List.copyOf(held);
    }

    /**
     * Carries out {@code action} on plugin {@code id}, asked from {@code source}; returns the plugin's status after it.
     *
     * @throws Refused nothing was done (unknown or held plugin, already running, not running), or the plugin did not
     *                 come up (the reason its status gives)
     */
    public synchronized PluginStatus run(Action action, String id, String source) throws Refused {
        Optional<LoadedPlugin> loaded = runtime.loaded(id);
        boolean running = loaded.filter(p -> p.guard().disabled() == null).isPresent();
        if (loaded.isPresent() && action != Action.ENABLE) {
            holds(loaded.get());
        }
        switch (action) {
            case DISABLE -> {
                if (!running) {
                    throw new Refused("plugin '" + id + "' is not running (" + state(id) + ")");
                }
                runtime.unload(loaded.get(), PluginStatus.DISABLED, "disabled by an operator command from " + source
                        + " (until an enable or reload command or the next start)");
            }
            case ENABLE, RELOAD -> {
                if (action == Action.ENABLE && running) {
                    throw new Refused("plugin '" + id + "' is already running (to read its jars again: action reload)");
                }
                loaded.ifPresent(p -> runtime.unload(p, null, null));
                PluginStatus after = runtime.loadAgain(id);
                if (!after.state().equals(PluginStatus.RUNNING)) {
                    throw new Refused("plugin '" + id + "' did not start: " + after.state() + ": " + after.reason());
                }
            }
        }
        LOG.info("plugin {}: {} by an operator command from {}", id, action.wire(), source);
        return runtime.statusOf(id);
    }

    /** Plugin {@code id}'s state now (its health not asked), if a plugin has that id. */
    public Optional<PluginStatus> status(String id) {
        return runtime.states().stream().filter(s -> id.equals(s.id())).findFirst();
    }

    private String state(String id) {
        return status(id).map(s -> s.state() + (s.reason() == null ? "" : ": " + s.reason())).orElse("no plugin with this id was found");
    }

    private void holds(LoadedPlugin p) throws Refused {
        for (String stage : p.stages().names()) {
            int colon = stage.indexOf(':');
            String kind = stage.substring(0, colon);
            String name = stage.substring(colon + 1);
            if (kind.equals(io.hastegw.pluginhost.StageKind.POLICY.tag()) || held.contains(stage) || held.contains(kind + ":" + p.id() + "/" + name)) {
                throw new Refused("plugin '" + p.id() + "' provides " + stage + ", which the pipeline chose at start (pipeline.preprocessor, "
                        + "energy.model, the compression policies): restart the gateway to change it");
            }
        }
    }
}
