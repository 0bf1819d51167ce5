package io.hastegw.op.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The haste-op command line, run in-process on the real models. */
@Tag("slow")
class HasteOpCliTest {
    @TempDir
    static Path tmp;

    private static Path resnet56;

    /** Output, error text and exit status of one CLI run. */
    record Run(int status, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = HasteOpCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    private static String models() {
        return SharedData.root().resolve("models/cifar10-resnet-akamaster") + "/";
    }

    @BeforeAll
    static void transformResNet56() {
        resnet56 = tmp.resolve("resnet56-haste.onnx");
        Run run = cli("transform", "--model", models() + "resnet56.onnx", "--card", models() + "resnet56.json", "--out", resnet56.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().endsWith("wrote " + resnet56 + " (54 HASTE layers, levels 0..8)\n"), run.out());
    }

    @Test
    void inspectShowsLayersMacsStatusAndSchedule() {
        Run run = cli("inspect", resnet56.toString());
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("HASTE model: input input [1, 3, 32, 32], seed 20230929, sparsity 0.6667, 54 HASTE layers, levels 0..8"), out);
        assertTrue(out.matches("(?s).*/conv1/Conv\\s+Conv\\s+1x3x32x32\\s+16x3x3x3\\s+1x16x32x32\\s+442,368\\s+dense\n.*"), out);
        assertTrue(out.matches("(?s).*/layer3/layer3.8/conv2/Conv\\s+Conv\\s+1x64x8x8\\s+64x64x3x3\\s+1x64x8x8\\s+2,359,296\\s+HASTE #53\n.*"), out);
        assertTrue(out.matches("(?s).*/linear/Gemm\\s+Gemm\\s+1x64\\s+64x10\\s+1x10\\s+640\\s+dense \\(Gemm\\)\n.*"), out);
        assertTrue(out.contains("dense MACs total: 125,485,696 (125.49 M)"), out);
        assertTrue(out.contains("  level 0: " + "0 ".repeat(53) + "0\n"), out);
        assertTrue(out.contains("  level 8: " + "8 ".repeat(53) + "8\n"), out);
    }

    @Test
    void inspectCalibratesTheCostPlanOnceThenShowsTheCachedOne() {
        String cache = tmp.resolve("cost").toString();
        Run none = cli("inspect", resnet56.toString(), "--cost-cache", cache);
        assertTrue(none.out().contains("cost plan: none cached in " + cache + " for this device and 1 thread(s)"), none.out());
        Run first = cli("inspect", resnet56.toString(), "--cost-cache", cache, "--calibrate", "--card", models() + "resnet56.json",
                "--images", SharedData.cifarTest().resolve("ship").toString());
        assertEquals(0, first.status(), first.err());
        assertTrue(first.out().contains("cost plan calibrated (no plan cached for this model and device) (" + cache + "/"), first.out());
        assertTrue(first.out().matches("(?s).*  level 0: \\.{54}  runs the dense model, [0-9.]+ ms measured\n.*"), first.out());
        assertTrue(first.out().matches("(?s).*  /layer3/layer3.8/conv2/Conv\\s+[0-9]+ \\|( [0-9]+){8}\n.*"), first.out());
        Run again = cli("inspect", resnet56.toString(), "--cost-cache", cache);
        assertTrue(again.out().contains("cost plan from cache (" + cache + "/"), again.out());
        Run forced = cli("calibrate", resnet56.toString(), "--cost-cache", cache, "--card", models() + "resnet56.json", "--force");
        assertEquals(0, forced.status(), forced.err());
        assertTrue(forced.out().startsWith("cost plan calibrated (asked to) (" + cache + "/"), forced.out());
        assertTrue(forced.out().matches("(?s)[^\\n]*, measured at load ([0-9.]+ per core(, busy)?|unknown)\\): HASTE layers per level.*"), forced.out());
    }

    @Test
    void benchReportsEveryLevelAgainstDenseWithTheIdealAndAPerLayerBreakdown() throws Exception {
        Path report = tmp.resolve("bench.md");
        Run run = cli("bench", "--model", models() + "resnet20.onnx", "--card", models() + "resnet20.json", "--images",
                SharedData.cifarTest().toString(), "--limit", "2", "--threads", "1", "--levels", "12,8", "--warmup", "1",
                "--calibration-images", "1", "--breakdown-level", "2", "--out", report.toString());
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("## haste-op bench: resnet20-cifar10"), out);
        assertTrue(out.contains("### resnet20-cifar10-haste.onnx, 1 thread, 2 images, kernel native"), out);
        assertTrue(out.matches("(?s).*dense ONNX Runtime: [0-9.]+ ms \\(p10-p90 [0-9.]+-[0-9.]+\\), 40\\.6 M MACs\n.*"), out);
        assertTrue(out.matches("(?s).*\\| 1 \\| 12 \\| [0-9.]+ % \\| [0-9.]+ \\| [0-9.]+x \\| [0-9.]+ \\| .*"), out);
        assertTrue(out.matches("(?s).*\\| 2 \\| 8 \\| .*"), out);
        assertTrue(out.contains("Per layer at level 2"), out);
        assertTrue(out.matches("(?s).*\\| /layer3/layer3.2/conv2/Conv \\| 64 -> 64, 3x3, 8x8 \\| 8 \\| .*"), out);
        assertEquals(out, java.nio.file.Files.readString(report));
    }

    @Test
    void benchTimesAGivenHasteModelWithItsOwnSchedule() {
        Run run = cli("bench", "--model", models() + "resnet56.onnx", "--card", models() + "resnet56.json", "--haste", resnet56.toString(),
                "--images", SharedData.cifarTest().toString(), "--limit", "1", "--threads", "1", "--warmup", "0",
                "--calibration-images", "1", "--breakdown-level", "1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("; 54 HASTE layers; " + resnet56 + ", levels 1..8 (scale-aware merge, uniform L); images: "), run.out());
        assertTrue(run.out().contains("### " + resnet56.getFileName() + ", 1 thread, 1 images, kernel native"), run.out());
        Run plain = cli("bench", "--model", models() + "resnet56.onnx", "--card", models() + "resnet56.json", "--haste",
                models() + "resnet56.onnx", "--images", SharedData.cifarTest().toString(), "--limit", "1", "--threads", "1");
        assertEquals(1, plain.status());
        assertTrue(plain.err().contains("resnet56.onnx: not a HASTE model (no 'haste' metadata); create one with haste-op transform"), plain.err());
    }

    @Test
    void inspectOfAPlainModelSaysWhyConvsStayDense() {
        Run run = cli("inspect", models() + "resnet20.onnx");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("dense (first convolution, skipped by default)"), run.out());
        assertTrue(run.out().contains("dense MACs total: 40,551,040 (40.55 M)"), run.out());
    }

    @Test
    void aCorruptModelFailsWithOneLineNamingTheFile() throws Exception {
        Path bad = tmp.resolve("bad.onnx");
        Files.writeString(bad, "this is not a model");
        Run run = cli("transform", "--model", bad.toString(), "--card", models() + "resnet20.json", "--out", tmp.resolve("x.onnx").toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("haste-op transform: " + bad + ": not an ONNX model"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aMissingOptionIsAUsageError() {
        Run run = cli("transform", "--model", models() + "resnet20.onnx");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("Missing required options: '--card=<card>', '--out=<out>'"), run.err());
    }

    @Test
    void aBadScheduleFileIsNamed() throws Exception {
        Path schedule = tmp.resolve("schedule.json");
        Files.writeString(schedule, "{\"hyperplanes\": [[0, 0], [30, 30]]}");
        Run run = cli("transform", "--model", models() + "resnet20.onnx", "--card", models() + "resnet20.json",
                "--out", tmp.resolve("y.onnx").toString(), "--schedule", schedule.toString());
        assertEquals(1, run.status());
        assertEquals("haste-op transform: " + schedule + ": schedule: level 1 asks for 30 hyperplanes; allowed: 0 (dense) to 24\n", run.err());
    }

    @Test
    void evalReportsEveryLevelNextToTheDenseModelAndAComparedModelAsItsOwnCurve() throws Exception {
        Path plots = tmp.resolve("plots");
        Path paper = tmp.resolve("resnet56-paper.onnx");
        Run transform = cli("transform", "--model", models() + "resnet56.onnx", "--card", models() + "resnet56.json", "--out", paper.toString(),
                "--merge", "MEAN", "--hash-stride", "1");
        assertEquals(0, transform.status(), transform.err());
        Run run = cli("eval", "--dense", models() + "resnet56.onnx", "--haste", resnet56.toString(), "--compare", paper.toString(),
                "--card", models() + "resnet56.json", "--images", SharedData.cifarTest().toString(), "--limit", "20", "--warmup", "2",
                "--plots", plots.toString());
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("resnet56-cifar10: 20 images, batch 1, 1 intra-op thread(s), dense 125.49 M MACs", lines.get(0));
        assertTrue(lines.get(1).startsWith("MACs and reduction on exact merged channel counts, HASTE's overhead included; NCHWc: "), lines.get(1));
        assertEquals("HASTE: scale-aware merge, uniform L", lines.get(2));
        // title, note, label, header, dense, 9 levels; the compared model (blank, label, header, 9 levels); the MACs breakdown
        // (blank, 2 header lines, 9 levels); the baselines (blank, 2 header lines, two at each of levels 1..8); the paper's
        // accounting beside ours (blank, 2 header lines, 9 levels of each curve); four files written
        assertEquals(4 + 1 + 9 + 12 + 12 + 3 + 2 * 8 + 3 + 2 * 9 + 4, lines.size(), run.out());
        assertEquals("compared, in the same run: paper's merge, uniform L", lines.get(15));
        assertEquals("wrote " + plots.resolve("resnet56-cifar10-accuracy-vs-macs.png"), lines.get(lines.size() - 3));
        assertEquals("wrote " + plots.resolve("resnet56-cifar10-accountings.png"), lines.get(lines.size() - 1));
        assertEquals("where the MACs go, percent of the dense model's (mean per image):", lines.get(27));
        assertTrue(lines.get(29).matches("0 +0\\.00% +0\\.00% +0\\.00% +0\\.00% +0\\.00% +0\\.00%"), lines.get(29));
        assertEquals("static baselines at each level's mean channel counts (no data, no fine-tuning):", lines.get(39));
        assertTrue(lines.get(41).startsWith("l1-prune      1 ") && lines.get(42).startsWith("random-merge  1 "), run.out());
        String dense = lines.get(4);
        String level0 = lines.get(5);
        assertTrue(dense.startsWith("dense  -"), dense);
        assertTrue(level0.startsWith("0      0"), level0);
        assertEquals(dense.substring(15, 63), level0.substring(15, 63), "level 0: same top-1, same MACs, no reduction");
        assertEquals(dense.substring(15, 63), lines.get(17).substring(15, 63), "the compared model's level 0 too");
        List<String> csv = Files.readAllLines(plots.resolve("resnet56-cifar10-eval.csv"));
        assertEquals("method,level,top1_percent,macs,macs_reduction_percent,nchwc_reduction_percent,median_ms,merged_away_macs,padding_macs,"
                + "hashing_macs,input_merge_macs,filter_merge_macs", csv.get(0));
        assertEquals(1 + 1 + 9 + 9 + 2 * 8, csv.size());
        assertTrue(csv.get(1).startsWith("\"dense\",,") && csv.get(2).startsWith("\"haste: scale-aware merge, uniform L\",0,")
                && csv.get(11).startsWith("\"haste: paper's merge, uniform L\",0,") && csv.get(20).startsWith("l1-prune,1,"), csv.toString());
        for (String png : List.of("resnet56-cifar10-accuracy-vs-macs.png", "resnet56-cifar10-channels.png", "resnet56-cifar10-accountings.png")) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(plots.resolve(png)), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, head, png + " is a PNG");
        }
        // Not a terminal: the progress bar is a line at every tenth of the way, on the error stream.
        List<String> progress = run.err().lines().filter(l -> l.startsWith("eval: dense and every level [")).toList();
        assertEquals(11, progress.size(), run.err());
        assertEquals("eval: dense and every level [" + "#".repeat(30) + "] 20/20 images", progress.get(10));
    }

    @Test
    void transformWithBudgetsSearchesASchedulePrintsItAndInspectShowsHowItWasMade() {
        Path out = tmp.resolve("resnet20-budget.onnx");
        String m = SharedData.root().resolve("models/cifar10-resnet-akamaster") + "/";
        Run run = cli("transform", "--model", m + "resnet20.onnx", "--card", m + "resnet20.json", "--out", out.toString(),
                "--budgets", "0.9,0.8", "--candidates", "12,8", "--calibration-frames", "4");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("schedule searched for MACs budgets 0.90,0.80 of dense on 4 synthetic frames (data-free)"), run.out());
        assertTrue(run.out().matches("(?s).*  level 1 \\(budget 0\\.90\\): predicted [0-9.]+ % of dense MACs, damage [0-9.]+; L per layer: [0-9 ]+\n.*"), run.out());
        assertTrue(run.out().endsWith("wrote " + out + " (18 HASTE layers, levels 0..2)\n"), run.out());
        assertTrue(run.err().contains("budget search [" + "#".repeat(30) + "] 36/36 probes"), run.err());
        Run inspect = cli("inspect", out.toString());
        assertEquals(0, inspect.status(), inspect.err());
        assertTrue(inspect.out().contains("merge: scale; hash stride per HASTE layer: " + "2 ".repeat(13) + "1 ".repeat(4) + "1\n"), inspect.out());
        assertTrue(inspect.out().contains("level schedule (hyperplanes L per HASTE layer; 0 = dense), searched for MACs budgets 0.90,0.80"),
                inspect.out());
    }

    @Test
    void transformWithPatchesTilesTheLayersWhoseOutputItDividesAndInspectSaysWhich() {
        Path out = tmp.resolve("resnet20-patch.onnx");
        String m = SharedData.root().resolve("models/cifar10-resnet-akamaster") + "/";
        Run run = cli("transform", "--model", m + "resnet20.onnx", "--card", m + "resnet20.json", "--out", out.toString(), "--patch", "16");
        assertEquals(0, run.status(), run.err());
        Run inspect = cli("inspect", out.toString());
        assertEquals(0, inspect.status(), inspect.err());
        // The six 32x32 layers of stage 1 make four tiles; a 16x16 output is one tile of 16, so it stays whole.
        assertTrue(inspect.out().contains("patches per HASTE layer (tile side in output pixels; 0 = whole map): " + "16 ".repeat(6)
                + "0 ".repeat(11) + "0\n"), inspect.out());
        Run negative = cli("transform", "--model", m + "resnet20.onnx", "--card", m + "resnet20.json", "--out", out.toString(), "--patch", "-2");
        assertEquals(1, negative.status());
        assertTrue(negative.err().contains("patch size -2 is negative; 0 means whole maps"), negative.err());
    }

    @Test
    void evalWithASeedRunsARandomStratifiedSubsetWithoutBaselinesAndVerboseIsAccepted() {
        Run run = cli("eval", "--dense", models() + "resnet56.onnx", "--haste", resnet56.toString(), "--card", models() + "resnet56.json",
                "--images", SharedData.cifarTest().toString(), "--limit", "10", "--warmup", "0", "--seed", "3", "--verbose", "--no-baselines");
        assertEquals(0, run.status(), run.err());
        assertEquals("resnet56-cifar10: 10 images, batch 1, 1 intra-op thread(s), dense 125.49 M MACs", run.out().lines().findFirst().orElseThrow());
        // title, note, label, header, dense, 9 levels; the MACs breakdown; the paper's accounting (blank, 2 header lines, 9 levels)
        assertEquals(4 + 1 + 9 + 12 + 12, run.out().lines().count(), "no baseline table with --no-baselines");
    }
}
