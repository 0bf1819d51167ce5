package io.hastegw.daemon.config;

import java.util.List;

/**
 * The HTTP endpoint (/health, /metrics, /status) and the operator console.
 *
 * @param enabled          serve it
 * @param host             bind address (loopback by default)
 * @param port             port
 * @param console          serve the live operator console at {@code /console/} (docs/operator-guide.md "Console")
 * @param consoleTokenFile a file holding the token the console's control requests must carry ({@code X-Haste-Token});
 *                         null: the console is read-only
 * @param latestFramesMb   memory the cameras' latest frames ({@code /cameras/<id>/latest.jpg}) may take together
 * @param allowedHosts     host names requests may carry in their Host header besides IP addresses, localhost and this
 *                         machine's own name (a name a DNS-rebinding page could point at the gateway is refused)
 */
public record HttpSection(boolean enabled, String host, int port, boolean console, String consoleTokenFile, long latestFramesMb,
                          List<String> allowedHosts) {
    /** The configured names, never null. */
    public HttpSection {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(!enabled || (port > 0 && port < 65536), "http.port", "1 to 65535", port);
        c.check(!enabled || (host != null && !host.isBlank()), "http.host", "a bind address", host);
        c.check(!console || enabled, "http.console", "false unless http.enabled is true (the console is served by it)", true);
        c.check(latestFramesMb >= 1 && latestFramesMb <= 4096, "http.latest_frames_mb", "1 to 4096", latestFramesMb);
        allowedHosts.forEach(h -> c.check(h != null && h.matches("[A-Za-z0-9.-]{1,253}"), "http.allowed_hosts",
                "host names (letters, digits, dots and hyphens, no port)", h));
    }
}
