package io.hastegw.daemon;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test and benchmark support: a Mosquitto of the test's own on a free loopback port. */
public final class LocalMosquitto {
    private LocalMosquitto() {}

    /** Starts {@code mosquitto -c conf} (output to {@code log}) and waits until it listens on {@code port}. */
    public static Process start(Path conf, int port, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TMPDIR", conf.toAbsolutePath().getParent().toString()); // anything it writes stays with its config
        Process p = builder.start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
    }

    /** A loopback port free right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
