package io.hastegw.daemon.cli;

import io.hastegw.daemon.StartupException;
import io.hastegw.daemon.config.ConfigLoader;
import io.hastegw.daemon.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Option;

/** The options that say which configuration to use, shared by the gateway's command and its subcommands (a picocli mixin). */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration (keys: docs/configuration.md)")
    private Path file;

    @Option(names = "--set", paramLabel = "key=value", description = "override one key, e.g. --set mqtt.host=broker.local (repeatable)")
    private List<String> sets = new ArrayList<>();

    /** The effective configuration: defaults, the file, {@code env}'s HASTE_GATEWAY_ variables, then the {@code --set}s. */
    public GatewayConfig load(Vertx vertx, Map<String, String> env) throws StartupException {
        try {
            return ConfigLoader.load(vertx, file, env, sets).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new StartupException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted during start", e);
        }
    }
}
