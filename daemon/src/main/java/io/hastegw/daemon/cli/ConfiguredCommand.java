package io.hastegw.daemon.cli;

import io.hastegw.daemon.StartupException;
import io.hastegw.daemon.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A subcommand that works on the effective configuration and exits: loads it (the
 * {@link ConfigOptions} mixin), runs, prints to {@code out}, and reports a configuration it cannot
 * use as one line on {@code err} with status 1.
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    @Mixin
    private ConfigOptions options;
    /** The environment (HASTE_GATEWAY_ overrides, STATE_DIRECTORY). */
    protected final Map<String, String> env;
    /** Where results go. */
    protected final PrintStream out;
    /** Where problems go. */
    protected final PrintStream err;

    ConfiguredCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs on the effective configuration; the exit status. */
    protected abstract int run(GatewayConfig config) throws StartupException;

    @Override
    public final Integer call() {
        Vertx vertx = Vertx.vertx();
        try {
            return run(options.load(vertx, env));
        } catch (StartupException e) {
            err.println("haste-gateway: " + e.getMessage());
            return 1;
        } finally {
            vertx.close();
        }
    }
}
