package io.hastegw.daemon.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A plugin's own CPU cgroup, beneath the gateway's, whose quota caps what its host processes
 * may use together ({@code plugins.host.cpu_percent} of one core): a plugin that spins on the
 * CPU cannot take more. Made where the gateway may write its cgroup: cgroup v1's {@code cpu}
 * hierarchy (a child group with {@code cpu.cfs_quota_us}), or cgroup v2 when its cgroup is
 * delegated to it (systemd's {@code Delegate=}: the gateway moves itself into a {@code gateway}
 * leaf, enables the {@code cpu} controller for its children and gives the plugin {@code cpu.max}).
 * Elsewhere there is none, and the host runs at its niceness only.
 */
final class HostCgroup implements AutoCloseable {
    private static final long PERIOD_US = 100_000;
    private static final java.util.regex.Pattern STALE = java.util.regex.Pattern.compile("haste-([0-9]{1,18})-.+");
    private final Path dir;
    private final Path procs;

    private HostCgroup(Path dir, Path procs) {
        this.dir = dir;
        this.procs = procs;
    }

    /**
     * Plugin {@code id}'s group beneath this process's cgroup ({@code /proc/self/cgroup}, in
     * {@code /sys/fs/cgroup}), capped at {@code cpuPercent} % of one core; empty where it cannot be made.
     *
     * @param why told why there is none (a line for the log)
     */
    static Optional<HostCgroup> forPlugin(String id, int cpuPercent, java.util.function.Consumer<String> why) {
        List<String> self;
        try {
            self = Files.readAllLines(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            self = List.of();
        }
        long pid = ProcessHandle.current().pid();
        // Unique per plugin process: one JVM may run several gateways (tests, list-plugins), and closing a group ends its members.
        String name = "haste-" + pid + "-" + id + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        return create(Path.of("/sys/fs/cgroup"), self, pid, name, cpuPercent, why);
    }

    /**
     * The group {@code name} capped at {@code cpuPercent} % of one core, under the cgroup of the
     * process whose {@code /proc/<pid>/cgroup} lines are {@code selfLines}, in the cgroup file
     * systems under {@code root} ({@code /sys/fs/cgroup}); empty where it cannot be made.
     *
     * @param why told why there is none (a line for the log)
     */
    static Optional<HostCgroup> create(Path root, List<String> selfLines, long selfPid, String name, int cpuPercent,
                                       java.util.function.Consumer<String> why) {
        long quota = PERIOD_US * cpuPercent / 100;
        try {
            for (String line : selfLines) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && List.of(f[1].split(",")).contains("cpu")) {
                    Path parent = mounted(root, f[1]).resolve(relative(f[2]));
                    return Optional.of(make(parent.resolve(name), "cpu.cfs_quota_us", String.valueOf(quota), "cpu.cfs_period_us"));
                }
            }
            for (String line : selfLines) {
                if (line.startsWith("0::") && Files.isRegularFile(root.resolve("cgroup.controllers"))) {
                    return Optional.of(v2(root.resolve(relative(line.substring(3))), selfPid, name, quota));
                }
            }
            why.accept("no cpu cgroup hierarchy found");
        } catch (IOException | RuntimeException e) {
            why.accept("its cgroup is not writable (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    /** The v1 mount of {@code controllers} ({@code cpu}, or a joint {@code cpu,cpuacct}). */
    private static Path mounted(Path root, String controllers) {
        Path joint = root.resolve(controllers);
        return Files.isDirectory(joint) ? joint : root.resolve("cpu");
    }

    private static Path relative(String cgroupPath) {
        return Path.of(cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath);
    }

    /** cgroup v2: the gateway moves into a leaf of its delegated group, whose children then get the cpu controller. */
    private static HostCgroup v2(Path own, long selfPid, String name, long quota) throws IOException {
        if (!Files.readString(own.resolve("cgroup.subtree_control")).contains("cpu")) {
            if (!own.getFileName().toString().equals("gateway")) {
                Path leaf = Files.createDirectories(own.resolve("gateway"));
                Files.writeString(leaf.resolve("cgroup.procs"), String.valueOf(selfPid));
            }
            Files.writeString(own.resolve("cgroup.subtree_control"), "+cpu");
        }
        return make(own.resolve(name), "cpu.max", quota + " " + PERIOD_US, null);
    }

    private static HostCgroup make(Path dir, String quotaFile, String quota, String periodFile) throws IOException {
        removeStale(dir.getParent());
        Files.createDirectories(dir);
        try {
            if (periodFile != null) {
                Files.writeString(dir.resolve(periodFile), String.valueOf(PERIOD_US));
            }
            Files.writeString(dir.resolve(quotaFile), quota);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        return new HostCgroup(dir, dir.resolve("cgroup.procs"));
    }

    /**
     * Removes the groups a gateway that ended without stopping (killed) left in {@code parent}:
     * {@code haste-<pid>-<plugin>} of a pid no longer running, empty (its hosts ended with it).
     */
    private static void removeStale(Path parent) throws IOException {
        try (java.util.stream.Stream<Path> groups = Files.list(parent)) {
            for (Path g : groups.toList()) {
                java.util.regex.Matcher m = STALE.matcher(g.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    try {
                        Files.deleteIfExists(g);
                    } catch (IOException stillUsed) {
                        // a process still in it: left as it is
                    }
                }
            }
        }
    }

    /** Moves process {@code pid} (all its threads) into the group. */
    void add(long pid) throws IOException {
        Files.writeString(procs, String.valueOf(pid), StandardCharsets.US_ASCII);
    }

    /** The group's folder. */
    Path dir() {
        return dir;
    }

    /**
     * Ends the processes still in the group (only the plugin's hosts are ever put there) and
     * removes it, waiting up to 5 s for them to go.
     *
     * @throws IOException when it could not be removed
     */
    @Override
    public void close() throws IOException {
        for (int tries = 0; ; tries++) {
            try {
                if (Files.exists(procs)) {
                    Files.readAllLines(procs).stream().filter(l -> !l.isBlank())
                            .forEach(pid -> ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly));
                }
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (tries >= 50) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while removing " + dir, e);
            }
        }
    }
}
