package io.hastegw.daemon;

import io.hastegw.daemon.cli.ConfigOptions;
import io.hastegw.daemon.cli.ListPluginsCommand;
import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code haste-gateway}: loads the configuration and starts the gateway ({@link GatewayLauncher}),
 * which stops cleanly on SIGTERM/SIGINT (intake stopped, in-flight frames finished within the
 * grace period, offline status published, exit 0). A bad configuration or a missing/corrupt model
 * ends the process at start with status 1 and one line on stderr; a usage error with status 2.
 */
@Command(name = "haste-gateway", sortOptions = false, description = "the HASTE edge inference gateway (docs/operator-guide.md)",
        footer = "environment: HASTE_GATEWAY_<SECTION>__<KEY>=value overrides the file, e.g. HASTE_GATEWAY_MQTT__PORT=8883")
public final class Main implements Callable<Integer> {
    @Mixin
    private ConfigOptions options;

    @Option(names = "--print-config", description = "print the effective configuration (secrets masked) and exit")
    private boolean print;

    @Option(names = "--list-plugins", description = "the same as the list-plugins subcommand")
    private boolean listPlugins;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicReference<RunningGateway> running;

    private Main(Map<String, String> env, PrintStream out, PrintStream err, AtomicReference<RunningGateway> running) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.running = running;
    }

    /** Entry point. */
    public static void main(String[] args) {
        int status = start(args, System.getenv(), System.out, System.err, new AtomicReference<>());
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Parses {@code args}, and either prints and returns an exit status, or starts the gateway
     * and returns -1 (it then runs until a signal or {@code running.get().stop()}).
     */
    public static int start(String[] args, Map<String, String> env, PrintStream out, PrintStream err, AtomicReference<RunningGateway> running) {
        CommandLine cli = new CommandLine(new Main(env, out, err, running));
        cli.addSubcommand("list-plugins", new ListPluginsCommand(env, out, err));
        cli.addSubcommand("clear-quarantine", new io.hastegw.daemon.cli.ClearQuarantineCommand(env, out, err));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("haste-gateway: " + e.getMessage());
            e.getCommandLine().usage(err);
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        Vertx vertx = Vertx.vertx();
        try {
            GatewayConfig config = options.load(vertx, env);
            if (print) {
                out.println(ConfigLoader.printable(config));
            } else if (listPlugins) {
                return ListPluginsCommand.run(config, env, out);
            } else {
                running.set(GatewayLauncher.launch(vertx, config, env));
                return -1;
            }
            return 0;
        } catch (StartupException e) {
            err.println("haste-gateway: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("haste-gateway: interrupted during start");
        } catch (RuntimeException e) {
            err.println("haste-gateway: unexpected error during start: " + e);
        } finally {
            if (running.get() == null) {
                vertx.close();
            }
        }
        return 1;
    }
}
