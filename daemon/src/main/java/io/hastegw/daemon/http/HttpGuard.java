package io.hastegw.daemon.http;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request to the gateway's HTTP endpoint goes through before its route: the Host
 * header must name this gateway (an IP address, {@code localhost}, the machine's own name or one
 * of {@code http.allowed_hosts}; any other name is answered 421, so a page whose DNS name was
 * pointed at the board cannot read it), every answer says not to cache or sniff it, the browser's
 * {@code /favicon.ico} gets an empty answer instead of a 404, and a body over a route's limit or a
 * failing route gets a short plain answer instead of a stack trace in the log.
 */
final class HttpGuard {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private final Set<String> names = new HashSet<>();

    /** A guard accepting {@code allowedHosts} besides IP addresses, localhost and this machine's names. */
    HttpGuard(List<String> allowedHosts) {
        names.add("localhost");
        allowedHosts.forEach(h -> names.add(h.toLowerCase(Locale.ROOT)));
        try {
            String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            names.add(host);
            names.add(host + ".local");
            int dot = host.indexOf('.');
            if (dot > 0) {
                names.add(host.substring(0, dot));
                names.add(host.substring(0, dot) + ".local");
            }
        } catch (UnknownHostException e) {
            LOG.debug("http: this machine's name is unknown ({}); IP addresses, localhost and http.allowed_hosts are accepted", e.toString());
        }
    }

    /** Whether a request naming {@code host} (the Host header's name, without its port) is for this gateway. */
    boolean allowed(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return IPV4.matcher(h).matches() || h.startsWith("[") || h.contains(":") || names.contains(h);
    }

    /** Installs the guard on {@code router}, ahead of every route added after it. */
    void install(Router router) {
        router.route().handler(this::check);
        router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());
        router.errorHandler(413, ctx -> plain(ctx, 413, "request body too large"));
        router.errorHandler(500, ctx -> {
            LOG.warn("http: {} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
            plain(ctx, 500, "internal error");
        });
    }

    private void check(RoutingContext ctx) {
        HostAndPort authority = ctx.request().authority();
        String host = authority == null ? null : authority.host();
        ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store")
                .putHeader("Referrer-Policy", "no-referrer");
        if (!allowed(host)) {
            plain(ctx, 421, "host '" + (host == null ? "" : host.length() > 64 ? host.substring(0, 64) + "..." : host)
                    + "' is not this gateway's: use its IP address, localhost or its own name, or add the name to http.allowed_hosts");
            return;
        }
        ctx.next();
    }

    private static void plain(RoutingContext ctx, int status, String text) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
        }
    }
}
