package io.hastegw.op.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastegw.op.accounting.MacsBreakdown;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper's accounting beside ours: each column's formula, and how they add up to the executed MACs. */
class PaperAccountingTest {
    private static final long DENSE = 1_000;
    private static final long DENSE_CONV = 900;
    /** Merged away 450, NCHWc padding 20, hashing 30, input merge 10, filter merge 5: executed 1000 - 450 + 20 + 30 + 10 + 5 = 615. */
    private static final MacsBreakdown TERMS = new MacsBreakdown(450, 20, 30, 10, 5);

    private static EvalReport.Row row(String config, double meanMacs, MacsBreakdown terms) {
        return new EvalReport.Row(config, 14, 14, Quality.top1(90.0), meanMacs, 1 - (meanMacs - terms.padding()) / DENSE, 1 - meanMacs / DENSE,
                1.0, 0.9, 1.1, 1.0, new double[] {8}, terms);
    }

    @Test
    void eachColumnCountsWhatItSaysAndTheyAddUpToTheExecutedMacs() {
        PaperAccounting a = PaperAccounting.of(row("3", 615, TERMS), DENSE_CONV);
        assertEquals(0.5, a.convMerging(), 1e-12, "450 of the convolutions' 900");
        assertEquals(0.42 / 0.9, a.convMinusHashing(), 1e-12, "(450 - 30) of 900");
        assertEquals(0.405, a.ours(), 1e-12, "(450 - 30 - 10 - 5) of all 1000: exact channel counts");
        assertEquals(0.385, a.oursExecuted(), 1e-12, "the padding's 20 given back: 615 executed of 1000");
        assertEquals(DENSE * (1 - a.oursExecuted()), DENSE - TERMS.net(), 1e-9, "executed = dense - net");
        assertEquals(DENSE * a.ours() - DENSE_CONV * a.convMinusHashing(), -(TERMS.inputMerge() + TERMS.filterMerge()), 1e-9,
                "ours and the paper's with hashing part by the merging overhead, over different denominators");
    }

    @Test
    void aDenseLevelSavesNothingInAnyAccounting() {
        PaperAccounting a = PaperAccounting.of(row("0", DENSE, MacsBreakdown.NONE), DENSE_CONV);
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0), List.of(a.convMerging(), a.convMinusHashing(), a.ours(), a.oursExecuted()));
    }

    @Test
    void theReportPrintsEveryCurvesLevelsInTheFourAccountings() {
        EvalReport.Row dense = row("dense", DENSE, MacsBreakdown.NONE);
        EvalReport report = new EvalReport("m", 10, 1, DENSE, DENSE_CONV, List.of(dense, row("0", DENSE, MacsBreakdown.NONE), row("1", 615, TERMS)),
                List.of(), new int[] {16}, "scale-aware merge, uniform L", List.of(new EvalReport.Curve("paper's merge, uniform L",
                List.of(row("0", DENSE, MacsBreakdown.NONE), row("1", 615, TERMS)))));
        List<String> lines = report.table().lines().toList();
        int head = lines.indexOf("the paper's accounting (convolutions only) beside ours (everything), percent fewer MACs than dense:");
        assertTrue(head > 0, report.table());
        assertEquals(head + 6, lines.size(), "a header and four rows: two curves, levels 0 and 1");
        assertEquals("HASTE     1      14        +0.00            50.00%              46.67%           40.50%        38.50%", lines.get(head + 3));
        assertTrue(lines.get(head + 5).startsWith("compared1 1      14 "), lines.get(head + 5));
    }
}
