package io.hastegw.daemon.cli;

import io.hastegw.daemon.StartupException;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.plugin.PluginQuarantine;
import io.hastegw.daemon.plugin.PluginSafety;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code haste-gateway clear-quarantine <plugin>}: releases a plugin the gateway quarantined after
 * its run ended while the plugin was running (docs/plugins.md "Quarantine"); it loads again at the
 * gateway's next start. Exit status 0 when it was released, 4 when it was not quarantined, 1 when
 * the quarantine cannot be read or written.
 */
@Command(name = "clear-quarantine", description = "release a quarantined plugin (it loads again at the next start) and exit "
        + "(status 0 when released, 4 when it was not quarantined)")
public final class ClearQuarantineCommand extends ConfiguredCommand {
    @Parameters(paramLabel = "PLUGIN", description = "the plugin's id")
    private String plugin;

    /** Reads the environment {@code env} (STATE_DIRECTORY), prints to {@code out}, errors to {@code err}. */
    public ClearQuarantineCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        super(env, out, err);
    }

    @Override
    protected int run(GatewayConfig config) throws StartupException {
        Optional<Path> dir = config.plugins().stateFolder(env);
        if (dir.isEmpty()) {
            err.println("haste-gateway: no quarantine is kept: set plugins.state_dir (or run under systemd, which sets STATE_DIRECTORY)");
            return 1;
        }
        Path file = dir.get().resolve(PluginSafety.QUARANTINE);
        try {
            PluginQuarantine quarantine = PluginQuarantine.open(file);
            if (!quarantine.clear(plugin)) {
                out.println("plugin '" + plugin + "' is not quarantined (" + file + ": " + (quarantine.all().isEmpty() ? "none"
                        : String.join(", ", quarantine.all().keySet())) + ")");
                return 4;
            }
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
        out.println("plugin '" + plugin + "' released from quarantine (" + file + "); it loads again at the gateway's next start");
        return 0;
    }
}
