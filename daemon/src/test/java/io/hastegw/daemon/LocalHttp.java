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

    /** GET /status, parsed. */
    static Map<String, Object> status(int port) throws IOException, InterruptedException {
        return Json.parse(get(port, "/status").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
