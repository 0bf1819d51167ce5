package io.hastegw.op.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is, for calibrations that must not be fooled by other work: the kernel's
 * one-minute load average per core (Linux {@code /proc/loadavg}). A cost plan records the load it
 * was measured at, and one measured under load is measured again when the machine is quieter.
 */
public final class SystemLoad {
    /** Load per core above which a measurement counts as taken on a busy machine. */
    public static final double BUSY_PER_CORE = 0.5;

    private SystemLoad() {}

    /** The one-minute load average divided by the cores; -1 where it cannot be read (not Linux). */
    public static double perCore() {
        try {
            String first = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
            return Double.parseDouble(first) / Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
