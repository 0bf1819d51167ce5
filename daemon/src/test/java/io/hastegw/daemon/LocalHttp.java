package io.hastegw.daemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Test and benchmark support: the gateway's HTTP endpoints on loopback (HTTP/1.1). */
public final class LocalHttp {
    private LocalHttp() {}

    /** The body of GET {@code path} on 127.0.0.1:{@code port}. */
    public static String get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The first {@code state} event of the console's event stream ({@code /console/api/events}):
     * what the console shows, as JSON text.
     */
    public static String consoleState(int port) throws IOException, InterruptedException {
        HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console/api/events")).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofLines());
        try (java.util.stream.Stream<String> lines = r.body()) {
            java.util.Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                if (it.next().equals("event: state") && it.hasNext()) {
                    return it.next().substring("data: ".length());
                }
            }
        }
        throw new IOException("the console's event stream ended before a state event");
    }

    /** GET /status, parsed. */
    static Map<String, Object> status(int port) throws IOException, InterruptedException {
        return Json.parse(get(port, "/status").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
