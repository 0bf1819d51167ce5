package io.hastegw.daemon.plugin;

import io.hastegw.pluginhost.StageExtensions;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.MqttOutput;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.PluginContext;
import io.hastegw.plugin.api.PluginMetrics;
import io.hastegw.plugin.api.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One plugin's {@link PluginContext}: its configuration, a logger named for it, its meters, scheduler and data directory. */
final class DaemonPluginContext implements PluginContext {

    private final String id;
    private final Host host;
    private final Map<String, Object> config;
    private final MeterRegistry registry;
    private final Supplier<ScheduledExecutorService> scheduler;
    private final System.Logger logger;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DaemonPluginContext(String id, Host host, Map<String, Object> config, MeterRegistry registry, Supplier<ScheduledExecutorService> scheduler) {
        this.id = id;
        this.host = host;
        this.config = config;
        this.registry = registry;
        this.scheduler = scheduler;
        this.logger = new Slf4jLogger(LoggerFactory.getLogger("plugin." + id));
    }

    @Override
    public String pluginId() {
        return id;
    }

    @Override
    public String gatewayId() {
        return host.gatewayId();
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public PluginMetrics metrics() {
        return new PluginMetrics() {
            @Override
            public void count(String name, long amount) {
                counters.computeIfAbsent(StageExtensions.meterName(name), n -> Counter.builder("haste_plugin_" + n).tag("plugin", id).register(registry))
                        .increment(amount);
            }

            @Override
            public void gauge(String name, DoubleSupplier value) {
                Gauge.builder("haste_plugin_" + StageExtensions.meterName(name), value::getAsDouble).tag("plugin", id).register(registry);
            }
        };
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler.get();
    }

    @Override
    public Path dataDir() {
        Path dir = host.dataRoot().resolve(id);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
    }

    @Override
    public ModelInfo model() {
        return host.model();
    }

    @Override
    public PipelineLimits limits() {
        return host.limits();
    }

    @Override
    public MqttOutput mqtt() {
        return host.mqtt();
    }

    @Override
    public byte[] predictionJson(Prediction prediction) {
        return host.predictionJson().apply(prediction);
    }

    /** The JDK's logger interface over the daemon's SLF4J: a plugin's lines go where the gateway's go. */
    private record Slf4jLogger(Logger log) implements System.Logger {
        @Override
        public String getName() {
            return log.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            return switch (level) {
                case ALL, TRACE -> log.isTraceEnabled();
                case DEBUG -> log.isDebugEnabled();
                case INFO -> log.isInfoEnabled();
                case WARNING -> log.isWarnEnabled();
                case ERROR -> log.isErrorEnabled();
                case OFF -> false;
            };
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            switch (level) {
                case ALL, TRACE -> log.trace(msg, thrown);
                case DEBUG -> log.debug(msg, thrown);
                case INFO -> log.info(msg, thrown);
                case WARNING -> log.warn(msg, thrown);
                case ERROR -> log.error(msg, thrown);
                case OFF -> { }
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                log(level, bundle, params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params), (Throwable) null);
            }
        }
    }
}
