package io.hastegw.daemon.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Samples how busy the board is, one call per sampling period: whole-board and own CPU use over
 * the period (from the differences of /proc's counters), load average, temperature and
 * throttling. ONNX Runtime's worker threads do not spin here (the sessions set
 * {@code session.intra_op.allow_spinning = 0}), so the gateway's own CPU time is work done, and
 * the load the gateway does not cause is the board's use minus its own. Not thread-safe: one
 * sampler per sampling loop.
 */
public final class BoardSampler {
    private final SystemFiles files;
    private SystemFiles.CpuTimes lastCpu;
    private long lastProcess = -1;
    private long lastThrottleEvents = -1;

    /** Samples {@code files}. */
    public BoardSampler(SystemFiles files) {
        this.files = files;
    }

    /**
     * One reading of the board. CPU figures are fractions of all cores (0..1) over the time since
     * the previous call; NaN on the first call and where a file could not be read ({@code
     * unavailable} names each missing reading).
     *
     * @param boardCpu       the whole board's CPU use
     * @param processCpu     the gateway's own CPU use
     * @param loadAverage    one-minute load average (runnable tasks, not per core)
     * @param temperatureC   the hottest thermal zone
     * @param throttled      whether the CPU is throttled now (firmware flag, or throttle events since the last reading); null unknown
     * @param throttleSource where {@code throttled} was read
     * @param unavailable    the readings this board does not offer or that failed this time
     */
    public record Reading(double boardCpu, double processCpu, double loadAverage, double temperatureC, Boolean throttled,
                          String throttleSource, List<String> unavailable) {
        /** CPU use the gateway does not cause (board minus own, never below 0); NaN when either is unknown. */
        public double otherCpu() {
            return Math.max(0, boardCpu - processCpu);
        }
    }

    /** Reads the files and returns the use since the previous call. */
    public Reading sample() {
        List<String> unavailable = new ArrayList<>();
        Optional<SystemFiles.CpuTimes> cpu = files.cpuTimes();
        Optional<Long> process = files.processTicks();
        double board = Double.NaN;
        double own = Double.NaN;
        if (cpu.isPresent() && lastCpu != null) {
            long total = cpu.get().total() - lastCpu.total();
            if (total > 0) {
                board = clamp((double) (cpu.get().busy() - lastCpu.busy()) / total);
                if (process.isPresent() && lastProcess >= 0) {
                    own = Math.min(board, clamp((double) (process.get() - lastProcess) / total));
                }
            }
        }
        if (cpu.isEmpty()) {
            unavailable.add("cpu (/proc/stat)");
        }
        if (process.isEmpty()) {
            unavailable.add("process cpu (/proc/self/stat)");
        }
        lastCpu = cpu.orElse(null);
        lastProcess = process.orElse(-1L);
        Optional<Double> load = files.loadAverage();
        if (load.isEmpty()) {
            unavailable.add("load average (/proc/loadavg)");
        }
        Optional<Double> temperature = files.temperatureC();
        if (temperature.isEmpty()) {
            unavailable.add("temperature (/sys/class/thermal)");
        }
        Boolean throttled = null;
        String source = null;
        Optional<Long> firmware = files.firmwareThrottled();
        if (firmware.isPresent()) {
            throttled = (firmware.get() & 0xF) != 0;
            source = "firmware get_throttled 0x" + Long.toHexString(firmware.get());
        } else {
            Optional<Long> events = files.throttleEvents();
            if (events.isPresent()) {
                throttled = lastThrottleEvents >= 0 && events.get() > lastThrottleEvents;
                source = "thermal_throttle/core_throttle_count";
                lastThrottleEvents = events.get();
            } else {
                unavailable.add("throttling (no firmware flag, no thermal_throttle counters)");
            }
        }
        return new Reading(board, own, load.orElse(Double.NaN), temperature.orElse(Double.NaN), throttled, source, List.copyOf(unavailable));
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
