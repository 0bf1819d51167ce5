package io.hastegw.daemon.bench;

import io.hastegw.daemon.LocalHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the gateway benchmarks share: arguments, the gateway's /metrics, its process CPU, percentiles, stopping a gateway. */
final class BenchSupport {
    private BenchSupport() {}

    /**
     * Stops a gateway process with SIGTERM (its clean stop), killing it after {@code seconds}, and
     * removes the empty {@code /tmp/mat-debug-<pid>.log} ONNX Runtime leaves behind a process ended by a signal.
     */
    static void stop(Process gateway, int seconds) throws InterruptedException, IOException {
        gateway.destroy();
        if (!gateway.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
            gateway.destroyForcibly().waitFor();
        }
        Path ortLog = Path.of("/tmp", "mat-debug-" + gateway.pid() + ".log");
        if (Files.exists(ortLog) && Files.size(ortLog) == 0) {
            Files.delete(ortLog);
        }
    }

    /** {@code --key value} pairs. */
    static Map<String, String> args(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return a;
    }

    /** The nearest-rank-ish percentile of sorted values. */
    static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    /** utime + stime of the process in clock ticks (100 per second on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Sum of the Prometheus samples whose line starts with {@code prefix}. */
    static double metric(int port, String prefix) throws IOException, InterruptedException {
        String body = LocalHttp.get(port, "/metrics");
        return body.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
