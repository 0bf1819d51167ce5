package io.hastegw.daemon.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.daemon.config.EnergySection;
import io.hastegw.daemon.load.FakeSystemTree;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugins.energy.DeviceProfile;
import io.hastegw.plugins.energy.ProfileEnergyModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The energy estimator (on the energy-profiles plugin's model), the ledger, and the real meters read from a fake sysfs tree made by the test. */
class EnergyTest {
    private static final long SECOND = 1_000_000_000L;

    private FakeSystemTree tree;

    @BeforeEach
    void fakeTree(@TempDir Path root) {
        tree = new FakeSystemTree(root);
    }

    @Test
    void theDenseEstimateScalesTheFramesTimeByTheMeasuredCostPlan() {
        ProfileEnergyModel pi5 = new ProfileEnergyModel(DeviceProfile.named("raspberry-pi-5").orElseThrow());
        EnergyEstimator planned = new EnergyEstimator(pi5, 1, new double[] {20, 15, 10});
        Prediction.Energy e = planned.estimate(new InferenceResult(new float[1], 2, 400_000_000L, 100_000_000L), 8);
        assertEquals(pi5.millijoules(100_000_000L, 8, 1), e.millijoules(), 1e-12);
        assertEquals(pi5.millijoules(400_000_000L, 16, 1), e.denseMillijoules(), 1e-12, "level 2 measured at half of dense's time");
        assertTrue(e.method().endsWith("; dense time from the measured cost plan"), e.method());
        EnergyEstimator unplanned = new EnergyEstimator(pi5, 1, new double[0]);
        Prediction.Energy m = unplanned.estimate(new InferenceResult(new float[1], 2, 400_000_000L, 100_000_000L), 8);
        assertEquals(pi5.millijoules(400_000_000L, 32, 1), m.denseMillijoules(), 1e-12, "no plan: time scaled by the MACs ratio");
        Prediction.Energy dense = unplanned.estimate(new InferenceResult(new float[1], 0, 400_000_000L, 400_000_000L), 30);
        assertEquals(dense.millijoules(), dense.denseMillijoules());
    }

    @Test
    void withoutAnEnergyModelPredictionsCarryNoEstimateAndTheSummarySaysWhy() {
        EnergyAccounting none = EnergyAccounting.create(new EnergySection("none", 60, "profile"), tree.files(), 1, new double[0],
                Optional.empty());
        assertEquals(Optional.empty(), none.estimator());
        assertEquals(EnergyAccounting.NO_PROFILE, none.ledger().closePeriod(60).get("method"));
    }

    @Test
    void raplCountsJoulesAcrossTheCountersWrap() throws IOException {
        tree.write("sys/class/powercap/intel-rapl:0/name", "package-0\n");
        tree.write("sys/class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n");
        tree.write("sys/class/powercap/intel-rapl:0/energy_uj", "262140000000\n");
        EnergyMeter meter = EnergyMeter.detect(tree.files()).orElseThrow();
        assertEquals("intel-rapl:0 (package-0)", meter.name());
        assertEquals(0.0, meter.joules(0).orElseThrow());
        tree.write("sys/class/powercap/intel-rapl:0/energy_uj", "262143000000\n");
        assertEquals(3.0, meter.joules(SECOND).orElseThrow(), 1e-9);
        // wraps: 328850 uJ to the top, then 1671150 more
        tree.write("sys/class/powercap/intel-rapl:0/energy_uj", "1671150\n");
        assertEquals(5.0, meter.joules(2 * SECOND).orElseThrow(), 1e-9);
    }

    @Test
    void anUnreadableRaplCounterIsNoReadingNotAnError() throws IOException {
        tree.write("sys/class/powercap/intel-rapl:0/energy_uj", "12\n");
        EnergyMeter meter = EnergyMeter.detect(tree.files()).orElseThrow();
        tree.write("sys/class/powercap/intel-rapl:0/energy_uj", "permission denied\n");
        assertTrue(meter.joules(0).isEmpty());
    }

    @Test
    void theJetsonInputRailIsIntegratedOverTime() throws IOException {
        tree.write("sys/class/hwmon/hwmon0/name", "ina3221\n");
        tree.write("sys/class/hwmon/hwmon0/in1_label", "VDD_IN\n");
        tree.write("sys/class/hwmon/hwmon0/in1_input", "5000\n");
        tree.write("sys/class/hwmon/hwmon0/curr1_input", "1000\n");
        tree.write("sys/class/hwmon/hwmon0/in2_label", "VDD_CPU_GPU_CV\n");
        tree.write("sys/class/hwmon/hwmon0/in2_input", "5000\n");
        tree.write("sys/class/hwmon/hwmon0/curr2_input", "300\n");
        EnergyMeter meter = EnergyMeter.detect(tree.files()).orElseThrow();
        assertEquals("ina3221 (hwmon0)", meter.name());
        assertEquals(0.0, meter.joules(0).orElseThrow());
        tree.write("sys/class/hwmon/hwmon0/curr1_input", "2000\n");
        // 5 W then 10 W over 2 s: trapezoid 15 J
        assertEquals(15.0, meter.joules(2 * SECOND).orElseThrow(), 1e-9);
    }

    @Test
    void noMeterOnABoardWithoutOne() {
        assertEquals(Optional.empty(), EnergyMeter.detect(tree.files()));
    }

    @Test
    void theLedgerSumsPerCameraAndPeriodAndComparesTheMeter() {
        EnergyLedger ledger = new EnergyLedger("m", Optional.of("rapl"));
        ledger.meter(100);
        ledger.add("a", new Prediction.Energy(2, 5, "m"));
        ledger.add("b", new Prediction.Energy(1, 1, "m"));
        ledger.meter(130);
        Map<String, Object> first = ledger.closePeriod(60);
        assertEquals(Map.of("frames", 2L, "millijoules", 3.0, "dense_millijoules", 6.0, "saved_millijoules", 3.0, "saved_ratio", 0.5),
                first.get("total"));
        assertEquals(Map.of("frames", 1L, "millijoules", 2.0, "dense_millijoules", 5.0, "saved_millijoules", 3.0, "saved_ratio", 0.6),
                ((Map<?, ?>) first.get("cameras")).get("a"));
        Map<?, ?> meter = (Map<?, ?>) first.get("meter");
        assertEquals(30.0, meter.get("joules_period"));
        assertEquals(0.003, meter.get("estimated_joules_period"));
        ledger.add("a", new Prediction.Energy(4, 4, "m"));
        Map<String, Object> second = ledger.closePeriod(60);
        assertEquals(1L, ((Map<?, ?>) second.get("period")).get("frames"));
        assertEquals(3L, ((Map<?, ?>) second.get("total")).get("frames"));
    }
}
