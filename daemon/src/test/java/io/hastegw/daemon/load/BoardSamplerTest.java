package io.hastegw.daemon.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's readings from a fake /proc and /sys tree written by the test. */
class BoardSamplerTest {
    private FakeSystemTree tree;

    @BeforeEach
    void fakeTree(@TempDir Path root) {
        tree = new FakeSystemTree(root);
    }

    /** /proc/stat's first line with the given busy (user) and idle ticks; /proc/self/stat with the process's user + system ticks. */
    private void ticks(long user, long idle, long iowait, long processUser, long processSystem) throws IOException {
        tree.write("proc/stat", "cpu  " + user + " 0 0 " + idle + " " + iowait + " 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
        // The command name holds a space and a ')': fields are counted after its last ')'.
        tree.write("proc/self/stat", "4242 (java (gw) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 " + processUser + " " + processSystem
                + " 0 0 20 0 30 0 123 456 789\n");
    }

    @Test
    void cpuUseIsTheDifferenceOfTheCountersOverThePeriod() throws IOException {
        ticks(1000, 3000, 0, 100, 50);
        BoardSampler sampler = new BoardSampler(tree.files());
        BoardSampler.Reading first = sampler.sample();
        assertTrue(Double.isNaN(first.boardCpu()), "no previous counters: unknown");
        // 400 ticks pass: 300 busy, 80 idle, 20 iowait (idle too); the process used 90 + 30.
        ticks(1300, 3080, 20, 190, 80);
        BoardSampler.Reading second = sampler.sample();
        assertEquals(0.75, second.boardCpu(), 1e-12);
        assertEquals(0.30, second.processCpu(), 1e-12);
        assertEquals(0.45, second.otherCpu(), 1e-12);
    }

    @Test
    void loadTemperatureAndFirmwareThrottlingAreRead() throws IOException {
        ticks(1, 1, 0, 1, 1);
        tree.write("proc/loadavg", "1.52 0.80 0.40 2/345 6789\n");
        tree.write("sys/class/thermal/thermal_zone0/temp", "48312\n");
        tree.write("sys/class/thermal/thermal_zone1/temp", "61250\n");
        tree.write("sys/devices/platform/soc/soc:firmware/get_throttled", "0x50004\n");
        BoardSampler.Reading r = new BoardSampler(tree.files()).sample();
        assertEquals(1.52, r.loadAverage());
        assertEquals(61.25, r.temperatureC());
        assertEquals(Boolean.TRUE, r.throttled());
        assertEquals("firmware get_throttled 0x50004", r.throttleSource());
        assertEquals(List.of(), r.unavailable());
    }

    @Test
    void throttlingSinceBootAloneIsNotThrottledNow() throws IOException {
        tree.write("sys/devices/platform/soc/soc:firmware/get_throttled", "0x50000\n");
        assertEquals(Boolean.FALSE, new BoardSampler(tree.files()).sample().throttled());
    }

    @Test
    void x86ThrottleCountersCountAsThrottledWhenTheyGrow() throws IOException {
        tree.write("sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count", "7\n");
        tree.write("sys/devices/system/cpu/cpu1/thermal_throttle/core_throttle_count", "3\n");
        BoardSampler sampler = new BoardSampler(tree.files());
        assertEquals(Boolean.FALSE, sampler.sample().throttled());
        tree.write("sys/devices/system/cpu/cpu1/thermal_throttle/core_throttle_count", "4\n");
        assertEquals(Boolean.TRUE, sampler.sample().throttled());
        assertEquals(Boolean.FALSE, sampler.sample().throttled());
    }

    @Test
    void aBoardWithoutTheFilesGivesUnknownReadingsAndNamesThem() {
        BoardSampler.Reading r = new BoardSampler(tree.files()).sample();
        assertTrue(Double.isNaN(r.boardCpu()) && Double.isNaN(r.loadAverage()) && Double.isNaN(r.temperatureC()));
        assertNull(r.throttled());
        assertEquals(List.of("cpu (/proc/stat)", "process cpu (/proc/self/stat)", "load average (/proc/loadavg)",
                "temperature (/sys/class/thermal)", "throttling (no firmware flag, no thermal_throttle counters)"), r.unavailable());
    }

    @Test
    void malformedFilesAreUnknownNotErrors() throws IOException {
        tree.write("proc/stat", "garbage\n");
        tree.write("proc/self/stat", "no parenthesis here\n");
        tree.write("proc/loadavg", "x y z\n");
        tree.write("sys/class/thermal/thermal_zone0/temp", "hot\n");
        BoardSampler.Reading r = new BoardSampler(tree.files()).sample();
        assertEquals(4, r.unavailable().size() - 1);
    }

    @Test
    void theRealProcIsReadOnThisMachine() throws InterruptedException {
        BoardSampler sampler = new BoardSampler(SystemFiles.local());
        sampler.sample();
        Thread.sleep(50);
        BoardSampler.Reading r = sampler.sample();
        assertTrue(r.boardCpu() >= 0 && r.boardCpu() <= 1, "board " + r.boardCpu());
        assertTrue(r.processCpu() >= 0 && r.processCpu() <= r.boardCpu(), "process " + r.processCpu());
    }
}
