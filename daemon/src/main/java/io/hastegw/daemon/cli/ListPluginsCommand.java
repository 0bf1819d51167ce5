package io.hastegw.daemon.cli;

import io.hastegw.daemon.PipelineParts;
import io.hastegw.daemon.StartupException;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.mqtt.MqttPluginOutput;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.plugin.PluginRuntime;
import io.hastegw.daemon.plugin.PluginSafety;
import io.hastegw.plugin.api.PluginApi;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code haste-gateway list-plugins} (or {@code --list-plugins}): loads, starts and stops the
 * plugins as a start would and prints each, found, enabled, refused and why; exit status 0 when
 * none was refused, 3 otherwise, 1 when the configuration or the model card is unusable.
 */
@Command(name = "list-plugins", description = "load the plugins as a start would, print what was found, enabled, refused and why, and exit "
        + "(status 0 when none was refused, 3 otherwise)")
public final class ListPluginsCommand extends ConfiguredCommand {
    /** Reads the environment {@code env}, prints to {@code out}, errors to {@code err}. */
    public ListPluginsCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        super(env, out, err);
    }

    @Override
    protected int run(GatewayConfig config) throws StartupException {
        return run(config, env, out);
    }

    /** Lists the plugins {@code config} would run; the exit status. */
    public static int run(GatewayConfig config, Map<String, String> env, PrintStream out) throws StartupException {
        try (PluginRuntime plugins = PipelineParts.plugins(config, PipelineParts.card(config), env, new CompositeMeterRegistry(),
                new MqttPluginOutput(new Topics(config), config.gatewayId(), message -> false), inspection(config, env))) {
            plugins.start();
            out.println("plugins of haste-gateway (plugin API " + PluginApi.VERSION + "):");
            plugins.status().forEach(st -> out.println("  " + st.line()));
            return plugins.refused().isEmpty() ? 0 : 3;
        }
    }

    /** The quarantine as the gateway would see it (read only; the gateway's call ledger is left alone). */
    private static PluginSafety inspection(GatewayConfig config, Map<String, String> env) throws StartupException {
        try {
            return PluginSafety.forInspection(config.plugins().stateFolder(env));
        } catch (java.io.IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }
}
