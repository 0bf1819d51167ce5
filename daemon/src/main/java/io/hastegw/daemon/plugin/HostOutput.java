package io.hastegw.daemon.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a plugin host writes on stdout and stderr: logged under the plugin's name at most
 * {@link #LINES_PER_SECOND} lines a second, the rest dropped and counted. The reader then sleeps
 * out the second, so a host that writes in a loop fills its pipe and blocks itself, not the
 * gateway. The last line is kept for the message of the host's death.
 */
final class HostOutput {
    /** Lines logged per second at most. */
    static final int LINES_PER_SECOND = 20;
    private static final int MAX_LINE = 500;

    private final Logger log;
    private final AtomicLong dropped = new AtomicLong();
    private volatile String last;
    private volatile String note;

    HostOutput(String plugin) {
        this.log = LoggerFactory.getLogger("plugin." + plugin + ".host");
    }

    /** Follows a new host's output on a thread of its own, until it ends. */
    void follow(InputStream out) {
        note = null;
        last = null;
        Thread t = new Thread(() -> pump(out), log.getName());
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            long second = System.nanoTime();
            int lines = 0;
            String line;
            while ((line = r.readLine()) != null) {
                String shown = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line;
                last = shown;
                long now = System.nanoTime();
                if (now - second >= 1_000_000_000L) {
                    second = now;
                    lines = 0;
                }
                if (++lines <= LINES_PER_SECOND) {
                    log.info("{}", shown);
                } else {
                    dropped.incrementAndGet();
                    if (lines > LINES_PER_SECOND * 50) {
                        Thread.sleep(Math.max(1, 1000 - (System.nanoTime() - second) / 1_000_000));
                    }
                }
            }
        } catch (IOException e) {
            // the host ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the gateway ended the host, for the message of its death. */
    void note(String why) {
        note = why;
    }

    /** "; killed by the gateway: ..." or "; its last output: ..." (or nothing), to end a death's message. */
    String last() {
        String n = note;
        if (n != null) {
            return "; " + n;
        }
        String l = last;
        return l == null ? "" : "; its last output: " + l;
    }

    /** Lines not logged because of the rate limit. */
    long dropped() {
        return dropped.get();
    }
}
