package io.hastegw.plugins.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The device profiles: the model's arithmetic, board detection, overrides. */
class EnergyProfilesTest {
    @Test
    void theModelIsMacsTimesEnergyPerMacPlusActiveTimeTimesThePowerAboveIdleOfTheCoresUsed() {
        ProfileEnergyModel pi4 = new ProfileEnergyModel(DeviceProfile.named("raspberry-pi-4").orElseThrow());
        // 1e9 MACs x 4.6 pJ = 4.6 mJ; 10 ms x (6.4 - 2.7) W x 1/4 of the cores = 9.25 mJ
        assertEquals(13.85, pi4.millijoules(1_000_000_000L, 10, 1), 1e-9);
        assertEquals(4.6 + 37.0, pi4.millijoules(1_000_000_000L, 10, 8), 1e-9, "never more than all cores");
        assertEquals("estimate, profile raspberry-pi-4: MACs x 4.6 pJ + active ms x (6.4 W - 2.7 W) x threads/4", pi4.method());
    }

    @ParameterizedTest
    @CsvSource({"Raspberry Pi 4 Model B Rev 1.4,raspberry-pi-4", "Raspberry Pi Compute Module 4 Rev 1.0,raspberry-pi-4",
        "Raspberry Pi 5 Model B Rev 1.0,raspberry-pi-5", "NVIDIA Jetson Nano Developer Kit,jetson-nano",
        "NVIDIA Jetson Orin Nano Developer Kit,jetson-orin-nano"})
    void theBoardIsDetectedFromTheDeviceTree(String model, String profile, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("model"), model + "\0");
        assertEquals(profile, DeviceProfile.detect(EnergyProfilesPlugin.deviceModel(file), "aarch64").orElseThrow().id());
    }

    @Test
    void anUnknownArmBoardHasNoProfileAndX86GetsItsOwn() {
        assertEquals(Optional.empty(), DeviceProfile.detect(Optional.of("Pine64 RockPro64 v2.1"), "aarch64"));
        assertEquals("x86", DeviceProfile.detect(Optional.empty(), "amd64").orElseThrow().id());
        assertEquals(Optional.empty(), EnergyProfilesPlugin.deviceModel(Path.of("/nonexistent/model")));
    }

    @Test
    void figuresSetAboveZeroReplaceTheProfiles() {
        DeviceProfile tuned = DeviceProfile.named("x86").orElseThrow().overridden(4, 28, 0);
        assertEquals(4, tuned.idleWatts());
        assertEquals(28, tuned.activeWatts());
        assertEquals(DeviceProfile.FP32_MAC_PJ, tuned.picojoulesPerMac());
        assertEquals(DeviceProfile.named("x86").orElseThrow(), DeviceProfile.named("x86").orElseThrow().overridden(0, 0, 0));
    }
}
