package io.hastegw.daemon.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process's threads and resident memory from {@code /proc/<pid>/status} (Linux), read by the
 * plugin host watchdog: outside the host, so nothing a plugin does can hide it.
 *
 * @param threads its threads now
 * @param rssKb   its resident memory, KiB
 */
record ProcStatus(int threads, long rssKb) {
    /** {@code pid}'s status, or empty where /proc cannot be read (another OS, the process gone). */
    static Optional<ProcStatus> read(long pid) {
        try {
            int threads = -1;
            long rss = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
            return threads < 0 || rss < 0 ? Optional.empty() : Optional.of(new ProcStatus(threads, rss));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
