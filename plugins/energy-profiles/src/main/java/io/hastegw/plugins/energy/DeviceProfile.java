package io.hastegw.plugins.energy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A board's power figures for energy estimates. Every number has its public source in
 * docs/energy.md (and in {@code source}); where sources disagree or only a power-mode budget is
 * published, the figure says so.
 *
 * @param id               the profile's name in the configuration ({@code profile})
 * @param name             the board
 * @param cores            CPU cores
 * @param idleWatts        the board idle
 * @param activeWatts      the board with every CPU core busy
 * @param picojoulesPerMac arithmetic energy of one FP32 multiply-accumulate
 * @param source           where the figures come from, briefly
 */
public record DeviceProfile(String id, String name, int cores, double idleWatts, double activeWatts, double picojoulesPerMac,
                            String source) {
    /** FP32 multiply (3.7 pJ) plus add (0.9 pJ) at 45 nm (M. Horowitz, "Computing's energy problem", ISSCC 2014). */
    public static final double FP32_MAC_PJ = 4.6;

    /** The built-in profiles. */
    public static final List<DeviceProfile> BUILT_IN = List.of(
            new DeviceProfile("raspberry-pi-4", "Raspberry Pi 4", 4, 2.7, 6.4, FP32_MAC_PJ,
                    "idle 2.1-3.0 W, full CPU load 5.4-6.4 W (The MagPi; chipwired.com measurements)"),
            new DeviceProfile("raspberry-pi-5", "Raspberry Pi 5", 4, 2.7, 7.9, FP32_MAC_PJ,
                    "7.9 W in Geekbench (full load); idle readings conflict, 1.8 to about 5 W: 2.7 W taken"),
            new DeviceProfile("jetson-nano", "NVIDIA Jetson Nano (CPU)", 4, 1.9, 10.0, FP32_MAC_PJ,
                    "active = the 10 W MaxN power-mode budget (NVIDIA L4T power management); idle 1.9 W module estimate"),
            new DeviceProfile("jetson-orin-nano", "NVIDIA Jetson Orin Nano (CPU)", 6, 2.6, 15.0, FP32_MAC_PJ,
                    "active = the 15 W power-mode budget (modes 7-25 W, NVIDIA); idle 2.6 W whole carrier board measured with a "
                    + "Joulescope in a low-power configuration (NVIDIA developer forum)"),
            new DeviceProfile("x86", "generic x86-64", Math.max(1, Runtime.getRuntime().availableProcessors()), 10.0, 65.0, FP32_MAC_PJ,
                    "assumed: a 65 W TDP-class desktop, 10 W idle; no public source fits every x86 machine: set idle_watts and "
                    + "active_watts, or read RAPL"));

    /** The built-in profile {@code id}. */
    public static Optional<DeviceProfile> named(String id) {
        return BUILT_IN.stream().filter(p -> p.id.equals(id)).findFirst();
    }

    /**
     * The profile of this board: from the device tree's model name ({@code deviceModel}, from
     * /proc/device-tree/model) on ARM boards, the x86 profile on x86-64, else empty (an unknown
     * board: configure {@code profile}).
     */
    public static Optional<DeviceProfile> detect(Optional<String> deviceModel, String osArch) {
        Optional<String> model = deviceModel.map(m -> m.toLowerCase(Locale.ROOT));
        if (model.isPresent()) {
            String m = model.get();
            String id = m.contains("raspberry pi 5") ? "raspberry-pi-5"
                    : m.contains("raspberry pi 4") || m.contains("compute module 4") ? "raspberry-pi-4"
                    : m.contains("orin nano") ? "jetson-orin-nano"
                    : m.contains("jetson nano") || m.contains("jetson-nano") ? "jetson-nano" : null;
            if (id != null) {
                return named(id);
            }
        }
        return osArch.equals("amd64") || osArch.equals("x86_64") ? named("x86") : Optional.empty();
    }

    /** This profile with the figures that are set ({@code > 0}) replaced. */
    public DeviceProfile overridden(double idle, double active, double pjPerMac) {
        if (idle <= 0 && active <= 0 && pjPerMac <= 0) {
            return this;
        }
        return new DeviceProfile(id, name, cores, idle > 0 ? idle : idleWatts, active > 0 ? active : activeWatts,
                pjPerMac > 0 ? pjPerMac : picojoulesPerMac, source + "; overridden in the configuration");
    }
}
