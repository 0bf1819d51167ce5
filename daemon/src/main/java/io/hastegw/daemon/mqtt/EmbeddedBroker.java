package io.hastegw.daemon.mqtt;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An MQTT 5 broker inside the gateway process, for the demo and for boards without a broker:
 * HiveMQ Community Edition, loaded from its own folder of jars (built into
 * {@code deploy/embedded-broker/target/lib}) through an isolated class loader, so that its Netty
 * 4.1 and Logback never meet the gateway's libraries. It listens on a free loopback port, keeps
 * everything in memory, and logs warnings only.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final URLClassLoader loader;
    private final Object hivemq;
    private final Class<?> api;
    private final Path work;
    private final int port;

    private EmbeddedBroker(URLClassLoader loader, Object hivemq, Class<?> api, Path work, int port) {
        this.loader = loader;
        this.hivemq = hivemq;
        this.api = api;
        this.work = work;
        this.port = port;
    }

    /**
     * Starts the broker from the jars in {@code libDir}.
     *
     * @throws IOException when the folder holds no HiveMQ, or the broker does not start within 60 s
     */
    public static EmbeddedBroker start(Path libDir) throws IOException {
        List<URL> jars = new ArrayList<>();
        if (Files.isDirectory(libDir)) {
            try (Stream<Path> files = Files.list(libDir)) {
                for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(jar.toUri().toURL());
                }
            }
        }
        if (jars.stream().noneMatch(u -> u.getPath().contains("hivemq-community-edition-embedded"))) {
            throw new IOException("embedded broker not found in " + libDir + " (build it with 'mvn package', or set mqtt.host to a broker)");
        }
        int port = freePort();
        Path work = Files.createTempDirectory("haste-broker");
        Path conf = Files.createDirectories(work.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        Files.writeString(conf.resolve("logback.xml"), """
                <configuration>
                  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %level embedded-broker - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="err"/></root>
                </configuration>
                """);
        URLClassLoader loader = new URLClassLoader("embedded-broker", jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class<?> api = loader.loadClass("com.hivemq.embedded.EmbeddedHiveMQ");
            Class<?> builderType = loader.loadClass("com.hivemq.embedded.EmbeddedHiveMQBuilder");
            Object builder = api.getMethod("builder").invoke(null);
            builder = builderType.getMethod("withConfigurationFolder", Path.class).invoke(builder, conf);
            builder = builderType.getMethod("withDataFolder", Path.class).invoke(builder, Files.createDirectories(work.resolve("data")));
            builder = builderType.getMethod("withExtensionsFolder", Path.class).invoke(builder, Files.createDirectories(work.resolve("extensions")));
            Object hivemq = builderType.getMethod("build").invoke(builder);
            future(api.getMethod("start"), hivemq).get(60, TimeUnit.SECONDS);
            return new EmbeddedBroker(loader, hivemq, api, work, port);
        } catch (ReflectiveOperationException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            loader.close();
            throw new IOException("embedded broker did not start: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loader.close();
            throw new IOException("interrupted while starting the embedded broker", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** The loopback port the broker listens on. */
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        try {
            future(api.getMethod("stop"), hivemq).get(30, TimeUnit.SECONDS);
            api.getMethod("close").invoke(hivemq);
        } finally {
            loader.close();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static CompletableFuture<?> future(Method method, Object target) throws ReflectiveOperationException {
        return (CompletableFuture<?>) method.invoke(target);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
