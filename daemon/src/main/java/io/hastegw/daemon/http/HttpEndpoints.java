package io.hastegw.daemon.http;

import io.hastegw.daemon.config.HttpSection;
import io.hastegw.daemon.messages.Figures;
import io.hastegw.daemon.pipeline.Gateway;
import io.hastegw.daemon.pipeline.GatewayStatus;
import io.hastegw.daemon.plugin.PluginStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The observability endpoint (off by default, loopback when on): {@code /health} (200 when the
 * broker connection is ready and the model loaded, else 503), {@code /metrics} (Prometheus
 * text), {@code /status} (JSON summary), {@code /cameras/<id>/latest.jpg} (a camera's latest frame
 * drawn with its boxes or label, {@link LatestFrames}), and, with {@code http.console}, the
 * operator console ({@link ConsoleEndpoints}).
 */
public final class HttpEndpoints extends VerticleBase {
    private final HttpSection config;
    private final Gateway gateway;
    private HttpServer server;

    /** Endpoints for {@code gateway}, served as {@code config} says. */
    public HttpEndpoints(HttpSection config, Gateway gateway) {
        this.config = config;
        this.gateway = gateway;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        new HttpGuard(config.allowedHosts()).install(router);
        router.get("/health").handler(ctx -> gateway.status().onSuccess(now -> {
            JsonObject health = health(now);
            ctx.response().setStatusCode(health.getString("status").equals("up") ? 200 : 503)
                    .putHeader("content-type", "application/json").end(health.encode());
        }).onFailure(ctx::fail));
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(gateway.metrics().scrape()));
        // Plugins' health is their own code (guarded, up to plugins.stage_timeout_ms each): asked off the event loop.
        router.get("/status").handler(ctx -> gateway.status().compose(now -> vertx.executeBlocking(() -> gateway.plugins().status(), false)
                .map(plugins -> status(now, plugins)))
                .onSuccess(status -> ctx.response().putHeader("content-type", "application/json").end(status.encodePrettily()))
                .onFailure(ctx::fail));
        // Drawn off the event loop: the first request after a frame decodes, draws and encodes it.
        router.get("/cameras/:camera/latest.jpg").handler(ctx -> vertx.executeBlocking(() -> gateway.latestFrames()
                .jpeg(ctx.pathParam("camera")), false).onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.response().setStatusCode(500).putHeader("content-type", "text/plain; charset=utf-8").end(ar.cause().getMessage());
                    } else if (ar.result().isEmpty()) {
                        ctx.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                                .end("no frame of this camera is kept (none predicted since it was last forgotten, or beyond http.latest_frames_mb)");
                    } else {
                        ctx.response().putHeader("content-type", "image/jpeg").end(io.vertx.core.buffer.Buffer.buffer(ar.result().get()));
                    }
                }));
        if (config.console()) {
            Optional<byte[]> token;
            try {
                token = consoleToken(config.consoleTokenFile());
            } catch (IOException e) {
                return Future.failedFuture(e);
            }
            new ConsoleEndpoints(vertx, router, gateway, token);
        }
        // HTTP/1.1 only: a cleartext HTTP/2 upgrade (h2c) was seen to leave a JDK HttpClient's request hanging; scrapers speak HTTP/1.1.
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false));
        return server.requestHandler(router).listen(config.port(), config.host());
    }

    /** The console's control token from {@code file} (trimmed, at least 16 characters); empty without a file. */
    static Optional<byte[]> consoleToken(String file) throws IOException {
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        String token;
        try {
            token = Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new IOException("cannot read http.console_token_file " + file + ": " + e.getMessage(), e);
        }
        if (token.length() < 16) {
            throw new IOException("http.console_token_file " + file + " holds " + token.length() + " characters; a token needs at least 16");
        }
        return Optional.of(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The port actually bound (useful when configured as 0 in tests). */
    public int port() {
        return server.actualPort();
    }

    private static JsonObject health(GatewayStatus now) {
        return new JsonObject().put("status", now.mqttReady() ? "up" : "down").put("broker_connected", now.mqttReady()).put("model_loaded", true)
                .put("queue", queue(now));
    }

    private static JsonObject queue(GatewayStatus now) {
        return new JsonObject().put("queued", now.queued()).put("in_flight", now.inFlight());
    }

    private JsonObject status(GatewayStatus now, List<PluginStatus> plugins) {
        var m = gateway.metrics();
        return new JsonObject()
                .put("model", now.model())
                .put("level", now.level())
                .put("levels", now.levels())
                .put("engine", new JsonObject(now.engine()))
                .put("control", new JsonObject(now.control()))
                .put("load", load(now))
                .put("uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0)
                .put("mqtt_connects", now.mqttConnects())
                .put("frames", new JsonObject().put("received", m.total("haste_frames_received"))
                        .put("processed", m.total("haste_frames_processed")).put("dropped", m.total("haste_frames_dropped"))
                        .put("errors", m.total("haste_frame_errors")).put("shed", m.total("haste_frames_shed")))
                .put("plugins", new JsonArray(plugins.stream().map(HttpEndpoints::plugin).toList()))
                .put("health", health(now));
    }

    private static JsonObject plugin(PluginStatus p) {
        return new JsonObject(p.json());
    }

    /** The last sampling period's board reading and latency window (null where unknown). */
    private static JsonObject load(GatewayStatus now) {
        var r = now.reading();
        var w = now.window();
        return new JsonObject()
                .put("board_cpu", Figures.finite3(r.boardCpu())).put("process_cpu", Figures.finite3(r.processCpu())).put("other_cpu", Figures.finite3(r.otherCpu()))
                .put("load_average", Figures.finite3(r.loadAverage())).put("temperature_c", Figures.finite3(r.temperatureC()))
                .put("throttled", r.throttled()).put("throttle_source", r.throttleSource()).put("unavailable", r.unavailable())
                .put("window", new JsonObject().put("frames", w.frames()).put("dropped", w.dropped()).put("frames_per_second", Figures.finite3(w.framesPerSecond()))
                        .put("drop_rate", Figures.finite3(w.dropRate())).put("p50_ms", Figures.finite3(w.p50Ms())).put("p95_ms", Figures.finite3(w.p95Ms()))
                        .put("p99_ms", Figures.finite3(w.p99Ms())).put("inference_p50_ms", Figures.finite3(w.inferenceP50Ms()))
                        .put("inference_p95_ms", Figures.finite3(w.inferenceP95Ms())).put("queue_p95_ms", Figures.finite3(w.queueP95Ms())))
                .put("queue", queue(now));
    }


    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
