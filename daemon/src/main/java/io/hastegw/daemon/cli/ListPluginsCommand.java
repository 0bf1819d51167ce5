package io.hastegw.daemon.cli;

import io.hastegw.daemon.PipelineParts;
import io.hastegw.daemon.StartupException;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.mqtt.MqttPluginOutput;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.plugin.api.PluginApi;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code haste-gateway list-plugins} (or {@code --list-plugins}): loads, starts and stops the
 * plugins as a start would and prints each, found, enabled, refused and why; exit status 0 when
 * none was refused, 3 otherwise, 1 when the configuration or the model card is unusable.
 */
@Command(name = "list-plugins", description = "load the plugins as a start would, print what was found, enabled, refused and why, and exit "
        + "(status 0 when none was refused, 3 otherwise)")
public final class ListPluginsCommand implements Callable<Integer> {
    @Mixin
    private ConfigOptions options;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    /** Reads the environment {@code env}, prints to {@code out}, errors to {@code err}. */
    public ListPluginsCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Vertx vertx = Vertx.vertx();
        try {
            return run(options.load(vertx, env), env, out);
        } catch (StartupException e) {
            err.println("haste-gateway: " + e.getMessage());
            return 1;
        } finally {
            vertx.close();
        }
    }

    /** Lists the plugins {@code config} would run; the exit status. */
    public static int run(GatewayConfig config, Map<String, String> env, PrintStream out) throws StartupException {
        try (PluginRuntime plugins = PipelineParts.plugins(config, PipelineParts.card(config), env, new CompositeMeterRegistry(),
                new MqttPluginOutput(new Topics(config), config.gatewayId(), message -> false))) {
            plugins.start();
            out.println("plugins of haste-gateway (plugin API " + PluginApi.VERSION + "):");
            plugins.status().forEach(st -> out.println("  " + st.line()));
            return plugins.refused().isEmpty() ? 0 : 3;
        }
    }
}
