package io.hastegw.daemon.energy;

import io.hastegw.daemon.load.SystemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A real energy meter of the board, read once per sampling period: joules since the first
 * reading. Intel RAPL ({@code /sys/class/powercap/intel-rapl:N/energy_uj}, a cumulative counter
 * that wraps at {@code max_energy_range_uj}) or the INA3221 power monitor of Jetson boards
 * (hwmon: {@code in*_input} mV and {@code curr*_input} mA per rail, integrated over time). Not
 * thread-safe: read from the sampling loop only.
 */
public interface EnergyMeter {
    /** Which meter, e.g. {@code intel-rapl:0 (package-0)}. */
    String name();

    /** Joules since the first call (0 then); empty when the reading failed this time. */
    OptionalDouble joules(long nowNanos);

    /** The board's meter, if it has one this process can read: RAPL first, then an INA3221. */
    static Optional<EnergyMeter> detect(SystemFiles files) {
        Path rapl = files.sys().resolve("class/powercap/intel-rapl:0");
        if (SystemFiles.firstLine(rapl.resolve("energy_uj")).isPresent()) {
            return Optional.of(new Rapl(rapl));
        }
        for (Path hwmon : SystemFiles.children(files.sys().resolve("class/hwmon"), "hwmon*")) {
            if (SystemFiles.firstLine(hwmon.resolve("name")).map(n -> n.trim().toLowerCase(Locale.ROOT).startsWith("ina3221")).orElse(false)) {
                return Optional.of(new Ina3221(hwmon));
            }
        }
        return Optional.empty();
    }

    /** Intel RAPL: a cumulative microjoule counter. */
    final class Rapl implements EnergyMeter {
        private final Path zone;
        private final String name;
        private long last = -1;
        private double total;

        Rapl(Path zone) {
            this.zone = zone;
            this.name = zone.getFileName() + SystemFiles.firstLine(zone.resolve("name")).map(n -> " (" + n.trim() + ")").orElse("");
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public OptionalDouble joules(long nowNanos) {
            long now = SystemFiles.firstLine(zone.resolve("energy_uj")).map(String::trim).filter(v -> v.matches("\\d{1,20}"))
                    .map(Long::parseLong).orElse(-1L);
            if (now < 0) {
                return OptionalDouble.empty();
            }
            if (last >= 0) {
                long delta = now - last;
                if (delta < 0) {
                    long range = SystemFiles.firstLine(zone.resolve("max_energy_range_uj")).map(String::trim).filter(v -> v.matches("\\d{1,20}"))
                            .map(Long::parseLong).orElse(0L);
                    delta += range;
                }
                total += Math.max(0, delta) / 1e6;
            }
            last = now;
            return OptionalDouble.of(total);
        }
    }

    /**
     * INA3221: the board's input rail ({@code VDD_IN} or {@code POM_5V_IN} by label) or, without
     * such a label, the sum of the rails; power = mV x mA, integrated between readings.
     */
    final class Ina3221 implements EnergyMeter {
        private final Path dir;
        private long lastNanos = -1;
        private double lastWatts;
        private double total;

        Ina3221(Path dir) {
            this.dir = dir;
        }

        @Override
        public String name() {
            return "ina3221 (" + dir.getFileName() + ")";
        }

        /** Watts now, or NaN when no rail could be read. */
        double watts() {
            double sum = 0;
            boolean any = false;
            for (int ch = 1; ch <= 3; ch++) {
                String label = SystemFiles.firstLine(dir.resolve("in" + ch + "_label")).map(String::trim).orElse("");
                double mv = number(dir.resolve("in" + ch + "_input"));
                double ma = number(dir.resolve("curr" + ch + "_input"));
                if (Double.isNaN(mv) || Double.isNaN(ma)) {
                    continue;
                }
                double w = mv * ma / 1e6;
                if (label.equals("VDD_IN") || label.equals("POM_5V_IN")) {
                    return w;
                }
                sum += w;
                any = true;
            }
            return any ? sum : Double.NaN;
        }

        @Override
        public OptionalDouble joules(long nowNanos) {
            double w = watts();
            if (Double.isNaN(w)) {
                return OptionalDouble.empty();
            }
            if (lastNanos >= 0) {
                total += (w + lastWatts) / 2 * (nowNanos - lastNanos) / 1e9;
            }
            lastNanos = nowNanos;
            lastWatts = w;
            return OptionalDouble.of(total);
        }

        private static double number(Path file) {
            return SystemFiles.firstLine(file).map(String::trim).filter(v -> v.matches("\\d{1,12}")).map(Double::parseDouble).orElse(Double.NaN);
        }
    }
}
