package io.hastegw.op.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a measured cost depends on besides the model: the processor, its core count, the
 * architecture, the ONNX Runtime version, the intra-op threads and the kernel. A cost table is
 * only reused on a device with the same fingerprint.
 *
 * @param cpu        the processor's model name (from /proc/cpuinfo), or the architecture when unknown
 * @param cores      processors available to the JVM
 * @param arch       os.arch
 * @param ortVersion ONNX Runtime version
 * @param threads    intra-op threads the sessions use
 * @param kernel     "native" or "portable"
 */
public record Device(String cpu, int cores, String arch, String ortVersion, int threads, String kernel) {
    /** This machine, running ONNX Runtime {@code ortVersion} with {@code threads} threads on {@code kernel}. */
    public static Device current(String ortVersion, int threads, String kernel) {
        return new Device(cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), ortVersion,
                threads, kernel);
    }

    /** A short stable key for file names: 8 hex digits of the fingerprint's hash. */
    public String key() {
        return String.format(Locale.ROOT, "%08x", toString().hashCode());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String l = line.toLowerCase(Locale.ROOT);
                if (l.startsWith("model name") || l.startsWith("hardware") || l.startsWith("cpu part")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/cpuinfo: fall through to the architecture
        }
        return System.getProperty("os.arch");
    }
}
