package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The HTTP endpoint as a hostile web page or a token guesser meets it (a real gateway on the real
 * Mosquitto; raw HTTP/1.1 over a socket, since Java's client will not send a Host header of our choosing).
 */
@Tag("broker")
class HttpHardeningTest {
    private static final String TOKEN = "a-console-token-of-32-characters";
    private static Path dir;
    private static GatewayFixture gateway;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-http-test");
        Path token = Files.writeString(dir.resolve("console.token"), TOKEN + "\n");
        port = LocalMosquitto.freePort();
        gateway = new GatewayFixture(TestModels.hasteResNet20(), "gateway_id=http" + UUID.randomUUID().toString().substring(0, 6),
                "http.enabled=true", "http.port=" + port, "http.console=true", "http.console_token_file=" + token,
                "http.allowed_hosts=[\"gw.example\"]").ready();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        Files.deleteIfExists(dir.resolve("console.token"));
        Files.deleteIfExists(dir);
    }

    /** The raw response (status line, headers, body) to one request. */
    private static String request(String method, String path, String host, String headers, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + headers
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String status(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aNameThatIsNotTheGatewaysIsRefusedSoARebindingPageReadsNothing() throws Exception {
        String r = request("GET", "/status", "evil.example:" + port, "", null);
        assertEquals("HTTP/1.1 421 Misdirected Request", status(r));
        assertEquals("host 'evil.example' is not this gateway's: use its IP address, localhost or its own name, or add the name to "
                + "http.allowed_hosts", body(r));
    }

    @Test
    void addressesLocalhostAndConfiguredNamesAreServed() throws Exception {
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "GW.example", "[::1]:" + port}) {
            assertEquals("HTTP/1.1 200 OK", status(request("GET", "/health", host, "", null)), host);
        }
    }

    @Test
    void answersAreNeitherCachedNorSniffed() throws Exception {
        String r = request("GET", "/metrics", "127.0.0.1", "", null).toLowerCase(java.util.Locale.ROOT);
        assertTrue(r.contains("\r\nx-content-type-options: nosniff\r\n"), r);
        assertTrue(r.contains("\r\ncache-control: no-store\r\n"), r);
    }

    @Test
    void theConsoleWithoutItsSlashRedirectsAndTheFaviconIsEmpty() throws Exception {
        String r = request("GET", "/console", "127.0.0.1", "", null);
        assertEquals("HTTP/1.1 301 Moved Permanently", status(r));
        assertTrue(r.toLowerCase(java.util.Locale.ROOT).contains("\r\nlocation: /console/\r\n"), r);
        assertEquals("HTTP/1.1 204 No Content", status(request("GET", "/favicon.ico", "127.0.0.1", "", null)));
    }

    @Test
    void anOversizedControlBodyIsAPlain413() throws Exception {
        String r = request("POST", "/console/api/control", "127.0.0.1", "Content-Type: application/json\r\n", new byte[5000]);
        assertEquals("HTTP/1.1 413 Request Entity Too Large", status(r));
        assertEquals("request body too large", body(r));
    }

    @Test
    void guessingTheTokenIsStoppedAfterFiveWrongOnes() throws Exception {
        byte[] command = "{\"mode\": \"fixed\", \"level\": 2}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
            String r = request("POST", "/console/api/control", "127.0.0.1", "X-Haste-Token: guess-" + i + "-000000000000000\r\n", command);
            assertEquals("HTTP/1.1 403 Forbidden", status(r));
        }
        String r = request("POST", "/console/api/control", "127.0.0.1", "X-Haste-Token: " + TOKEN + "\r\n", command);
        assertEquals("HTTP/1.1 429 Too Many Requests", status(r));
        assertTrue(body(r).startsWith("{\"accepted\":false,\"errors\":[\"too many wrong console tokens: control is refused for "), body(r));
        assertTrue(gateway.running.gateway().level() != 2, "nothing applied");
    }
}
