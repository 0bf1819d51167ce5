package io.hastegw.daemon.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a plugin's CPU cgroup is made and what is written there, on folders laid out as the
 * cgroup file systems are (a real cgroup v2 hierarchy with the cpu controller cannot be made on
 * this machine; ProcessIsolationTest checks a real v1 group). The files the kernel would provide
 * are created empty, as the kernel does.
 */
class HostCgroupTest {
    @TempDir
    Path root;
    private final List<String> why = new ArrayList<>();

    @Test
    void cgroupV1GetsAChildOfTheGatewaysCpuGroupWithItsQuota() throws IOException {
        Files.createDirectories(root.resolve("cpu,cpuacct/system.slice/haste-gateway.service"));
        Optional<HostCgroup> g = HostCgroup.create(root, List.of("5:cpu,cpuacct:/system.slice/haste-gateway.service", "0::/"), 42, "haste-42-p", 50,
                why::add);
        Path dir = root.resolve("cpu,cpuacct/system.slice/haste-gateway.service/haste-42-p");
        assertEquals(Optional.of(dir), g.map(HostCgroup::dir));
        assertEquals("50000", Files.readString(dir.resolve("cpu.cfs_quota_us")));
        assertEquals("100000", Files.readString(dir.resolve("cpu.cfs_period_us")));
        g.get().add(4711);
        assertEquals("4711", Files.readString(dir.resolve("cgroup.procs")));
        assertEquals(List.of(), why);
    }

    @Test
    void groupsLeftByAGatewayThatWasKilledAreRemovedAndOthersKept() throws IOException {
        Path cpu = Files.createDirectories(root.resolve("cpu"));
        long alive = ProcessHandle.current().pid();
        Path stale = Files.createDirectories(cpu.resolve("haste-999999999-old"));
        Path live = Files.createDirectories(cpu.resolve("haste-" + alive + "-other"));
        Path foreign = Files.createDirectories(cpu.resolve("docker"));
        assertTrue(HostCgroup.create(root, List.of("4:cpu:/"), 42, "haste-42-p", 50, why::add).isPresent());
        assertEquals(List.of(false, true, true), List.of(Files.exists(stale), Files.exists(live), Files.exists(foreign)));
    }

    @Test
    void aDelegatedCgroupV2MovesTheGatewayIntoALeafAndGivesThePluginCpuMax() throws IOException {
        Path own = Files.createDirectories(root.resolve("system.slice/haste-gateway.service"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        Optional<HostCgroup> g = HostCgroup.create(root, List.of("0::/system.slice/haste-gateway.service"), 42, "haste-42-p", 150, why::add);
        assertEquals("42", Files.readString(own.resolve("gateway/cgroup.procs")), "the gateway left the group whose children get controllers");
        assertEquals("+cpu", Files.readString(own.resolve("cgroup.subtree_control")));
        assertEquals("150000 100000", Files.readString(own.resolve("haste-42-p/cpu.max")));
        assertTrue(g.isPresent());
    }

    @Test
    void withoutACpuHierarchyThereIsNoneAndTheReasonIsGiven() {
        assertEquals(Optional.empty(), HostCgroup.create(root, List.of("0::/user.slice"), 42, "haste-42-p", 50, why::add));
        assertEquals(List.of("no cpu cgroup hierarchy found"), why);
    }

    @Test
    void aReadOnlyCgroupGivesNoneWithTheFailure() throws IOException {
        Path cpu = Files.createDirectories(root.resolve("cpu"));
        Files.writeString(cpu.resolve("blocking"), "a file where the gateway's group would be");
        assertEquals(Optional.empty(), HostCgroup.create(root, List.of("4:cpu:/blocking"), 42, "haste-42-p", 50, why::add));
        assertEquals(1, why.size());
        assertTrue(why.get(0).startsWith("its cgroup is not writable ("), why.get(0));
    }
}
