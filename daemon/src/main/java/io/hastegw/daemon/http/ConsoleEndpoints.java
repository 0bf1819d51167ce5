package io.hastegw.daemon.http;

import io.hastegw.daemon.pipeline.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console (docs/operator-guide.md "Console"): one page ({@code /console/}, plain
 * HTML, CSS and JavaScript from the daemon's resources, nothing fetched from elsewhere), a
 * Server-Sent Events stream ({@code /console/api/events}: {@code history} on connect, then
 * {@code state} once a second) and control ({@code POST /console/api/control}: a control v2
 * {@code set} command, validated as over MQTT, authorised by the token in the
 * {@code X-Haste-Token} header; without a configured token the console is read-only). Every
 * response carries a Content-Security-Policy without inline scripts or styles; the page writes
 * every value as text, never as markup.
 */
final class ConsoleEndpoints {
    /** Header the control token travels in (a header, not a cookie: no cross-site request can send it). */
    static final String TOKEN_HEADER = "X-Haste-Token";
    /** The policy every console response carries. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> FILES = Map.of("", "index.html", "index.html", "index.html", "console.js", "console.js",
            "console.css", "console.css");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoints.class);
    private final Gateway gateway;
    private final Optional<byte[]> token;
    private final ConsoleFeed feed;
    private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
    private final Map<String, Buffer> files = new ConcurrentHashMap<>();
    private final TokenAttempts attempts = new TokenAttempts();

    /**
     * Registers the console's routes on {@code router} and starts its one-second tick.
     *
     * @param token the control token; empty: read-only
     */
    ConsoleEndpoints(Vertx vertx, Router router, Gateway gateway, Optional<byte[]> token) {
        this.gateway = gateway;
        this.token = token;
        this.feed = new ConsoleFeed(gateway, token.isPresent());
        // The page's relative URLs need the trailing slash. Vert.x matches /console/ here too: only the bare /console is redirected.
        router.get("/console").handler(ctx -> {
            if (ctx.request().path().equals("/console")) {
                secured(ctx).setStatusCode(301).putHeader("Location", "/console/").end();
            } else {
                ctx.next();
            }
        });
        router.get("/console/api/events").handler(this::events);
        router.post("/console/api/control").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::control);
        router.get("/console/:file").handler(ctx -> file(ctx, ctx.pathParam("file")));
        router.get("/console/").handler(ctx -> file(ctx, ""));
        gateway.status().onSuccess(now -> feed.tick(System.currentTimeMillis(), now));
        vertx.setPeriodic(1000, t -> gateway.status().onSuccess(now -> {
            String state = "event: state\ndata: " + feed.tick(System.currentTimeMillis(), now).encode() + "\n\n";
            streams.forEach(s -> s.write(state));
        }));
    }

    /** The response with the console's Content-Security-Policy (nosniff, no-referrer and no-store: {@link HttpGuard}, on every answer). */
    private static HttpServerResponse secured(RoutingContext ctx) {
        return ctx.response().putHeader("Content-Security-Policy", CSP);
    }

    private void file(RoutingContext ctx, String name) {
        String resource = FILES.get(name);
        if (resource == null) {
            secured(ctx).setStatusCode(404).end("not found");
            return;
        }
        Buffer body = files.computeIfAbsent(resource, ConsoleEndpoints::load);
        secured(ctx).putHeader("Content-Type", TYPES.get(resource.substring(resource.lastIndexOf('.') + 1))).end(body);
    }

    private static Buffer load(String resource) {
        try (InputStream in = ConsoleEndpoints.class.getResourceAsStream("/console/" + resource)) {
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("console resource " + resource + " missing from the daemon's jar", e);
        }
    }

    private void events(RoutingContext ctx) {
        HttpServerResponse r = secured(ctx).putHeader("Content-Type", "text/event-stream; charset=utf-8").setChunked(true);
        r.write("retry: 2000\n\nevent: history\ndata: " + feed.history().encode() + "\n\n");
        streams.add(r);
        r.closeHandler(v -> streams.remove(r));
        r.exceptionHandler(e -> streams.remove(r));
    }

    private void control(RoutingContext ctx) {
        HttpServerResponse r = secured(ctx).putHeader("Content-Type", "application/json");
        if (token.isEmpty()) {
            r.setStatusCode(403).end(error("the console is read-only: no http.console_token_file is configured"));
            return;
        }
        long now = System.currentTimeMillis();
        OptionalLong locked = attempts.lockedFor(now);
        if (locked.isPresent()) {
            long seconds = (locked.getAsLong() + 999) / 1000;
            r.setStatusCode(429).putHeader("Retry-After", Long.toString(seconds))
                    .end(error("too many wrong console tokens: control is refused for " + seconds + " s"));
            return;
        }
        String given = ctx.request().getHeader(TOKEN_HEADER);
        if (given == null || !MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8))) {
            if (given != null) {
                int count = attempts.wrong(now);
                LOG.warn("console: wrong control token from {} ({} within {} s)", ctx.request().remoteAddress(), count,
                        TokenAttempts.WINDOW_MS / 1000);
            }
            r.setStatusCode(403).end(error(given == null ? "no " + TOKEN_HEADER + " header: control needs the console token"
                    : "wrong console token"));
            return;
        }
        gateway.consoleSet(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes())
                .onSuccess(ack -> r.setStatusCode(new JsonObject(Buffer.buffer(ack)).getBoolean("accepted") ? 200 : 422).end(Buffer.buffer(ack)))
                .onFailure(ctx::fail);
    }

    private static String error(String message) {
        return new JsonObject().put("accepted", false).put("errors", new io.vertx.core.json.JsonArray().add(message)).encode();
    }
}
