package io.hastegw.daemon.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the kernel's load figures from {@code /proc} and {@code /sys}, under roots that tests
 * replace with a fake tree. Every reading is optional: a file that is missing or malformed gives
 * an empty result, never an exception (a board without a thermal zone still runs).
 *
 * @param proc the procfs root ({@code /proc})
 * @param sys  the sysfs root ({@code /sys})
 */
public record SystemFiles(Path proc, Path sys) {
    /** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux architecture the gateway runs on). */
    public static final int TICKS_PER_SECOND = 100;

    /** The real files of this machine. */
    public static SystemFiles local() {
        return new SystemFiles(Path.of("/proc"), Path.of("/sys"));
    }

    /**
     * Whole-board CPU time from the first line of {@code /proc/stat}, in ticks.
     *
     * @param busy  user, nice, system, irq, softirq and steal time
     * @param total busy plus idle and iowait
     */
    public record CpuTimes(long busy, long total) {}

    /** The board's CPU times, all cores together. */
    public Optional<CpuTimes> cpuTimes() {
        return firstLine(proc.resolve("stat")).flatMap(line -> {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[0].equals("cpu")) {
                return Optional.empty();
            }
            long total = 0;
            long idle = 0;
            // user nice system idle iowait irq softirq steal (guest time is already counted in user)
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = parseLong(f[i]);
                if (v < 0) {
                    return Optional.empty();
                }
                total += v;
                if (i == 4 || i == 5) {
                    idle += v;
                }
            }
            return Optional.of(new CpuTimes(total - idle, total));
        });
    }

    /** The gateway's own CPU time (user + system, ticks) from {@code /proc/self/stat}. */
    public Optional<Long> processTicks() {
        return firstLine(proc.resolve("self/stat")).flatMap(line -> {
            // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
            int close = line.lastIndexOf(')');
            if (close < 0) {
                return Optional.empty();
            }
            String[] f = line.substring(close + 1).trim().split("\\s+");
            // After the name: state is field 3; utime and stime are fields 14 and 15.
            if (f.length < 13) {
                return Optional.empty();
            }
            long utime = parseLong(f[11]);
            long stime = parseLong(f[12]);
            return utime < 0 || stime < 0 ? Optional.empty() : Optional.of(utime + stime);
        });
    }

    /** The one-minute load average from {@code /proc/loadavg}. */
    public Optional<Double> loadAverage() {
        return firstLine(proc.resolve("loadavg")).flatMap(line -> {
            try {
                return Optional.of(Double.parseDouble(line.trim().split("\\s+")[0]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The hottest thermal zone under {@code /sys/class/thermal}, degrees Celsius. */
    public Optional<Double> temperatureC() {
        double hottest = Double.NaN;
        for (Path zone : children(sys.resolve("class/thermal"), "thermal_zone*")) {
            Optional<String> milli = firstLine(zone.resolve("temp"));
            if (milli.isPresent() && milli.get().trim().matches("-?\\d{1,9}")) {
                long v = Long.parseLong(milli.get().trim());
                if (v > -273_000 && (Double.isNaN(hottest) || v / 1000.0 > hottest)) {
                    hottest = v / 1000.0;
                }
            }
        }
        return Double.isNaN(hottest) ? Optional.empty() : Optional.of(hottest);
    }

    /**
     * The Raspberry Pi firmware's throttled flags ({@code get_throttled}, as {@code vcgencmd
     * get_throttled} prints them): bit 0 under-voltage, 1 frequency capped, 2 throttled, 3 soft
     * temperature limit, each now; bits 16-19 the same since boot.
     */
    public Optional<Long> firmwareThrottled() {
        return firstLine(sys.resolve("devices/platform/soc/soc:firmware/get_throttled")).flatMap(line -> {
            String t = line.trim().toLowerCase(Locale.ROOT);
            try {
                return Optional.of(Long.parseLong(t.startsWith("0x") ? t.substring(2) : t, 16));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The sum of the cores' thermal throttle counters ({@code thermal_throttle/core_throttle_count}, x86). */
    public Optional<Long> throttleEvents() {
        long sum = 0;
        boolean any = false;
        for (Path cpu : children(sys.resolve("devices/system/cpu"), "cpu[0-9]*")) {
            Optional<String> count = firstLine(cpu.resolve("thermal_throttle/core_throttle_count"));
            long v = count.map(c -> parseLong(c.trim())).orElse(-1L);
            if (v >= 0) {
                sum += v;
                any = true;
            }
        }
        return any ? Optional.of(sum) : Optional.empty();
    }

    /** The device's model name from {@code /proc/device-tree/model} (ARM boards), without its trailing NUL. */
    public Optional<String> deviceModel() {
        try {
            String model = Files.readString(proc.resolve("device-tree/model")).replace("\0", "").trim();
            return model.isEmpty() ? Optional.empty() : Optional.of(model);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The entries of {@code dir} matching {@code glob}, sorted; empty when it cannot be listed. */
    public static List<Path> children(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /** The first line of a file, or empty when it cannot be read. */
    public static Optional<String> firstLine(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
