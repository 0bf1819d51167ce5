package io.hastegw.op.eval;

import io.hastegw.op.accounting.MacsBreakdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Files of an {@link EvalReport} for people: a CSV of every configuration, a PNG of top-1 accuracy
 * against MACs reduction (HASTE's levels and each static baseline as its own curve, dense as a
 * line), and a PNG of the mean channels each HASTE layer convolved at every level next to its
 * dense channel count, and a PNG of every HASTE curve's accuracy against its MACs reduction in
 * two accountings (the paper's probable one, convolutions only with no overhead, and ours,
 * everything counted: {@link PaperAccounting}), so that the gap between the two shows per level.
 * Drawn with XChart, headless.
 */
public final class EvalPlots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 600;

    private EvalPlots() {}

    /**
     * Writes {@code <model>-eval.csv}, {@code <model>-accuracy-vs-macs.png}, {@code <model>-channels.png} and
     * {@code <model>-accountings.png} into {@code dir}.
     */
    public static List<Path> write(EvalReport report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> files = List.of(dir.resolve(report.model() + "-eval.csv"), dir.resolve(report.model() + "-accuracy-vs-macs.png"),
                dir.resolve(report.model() + "-channels.png"), dir.resolve(report.model() + "-accountings.png"));
        Files.writeString(files.get(0), csv(report));
        BitmapEncoder.saveBitmap(accuracyVsMacs(report), files.get(1).toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(channels(report), files.get(2).toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(accountings(report), files.get(3).toString(), BitmapEncoder.BitmapFormat.PNG);
        return files;
    }

    /** One line per configuration: the dense model, every HASTE level, every baseline. */
    static String csv(EvalReport report) {
        StringBuilder sb = new StringBuilder("method,level," + (report.rows().get(0).quality().top1() != null ? "top1_percent"
                : "map50_percent,map50_95_percent") + ",macs,macs_reduction_percent,nchwc_reduction_percent,median_ms,"
                + "merged_away_macs,padding_macs,hashing_macs,input_merge_macs,filter_merge_macs\n");
        for (EvalReport.Row r : report.rows()) {
            csvRow(sb, r.config().equals("dense") ? "dense" : "haste: " + report.label(), r);
        }
        for (EvalReport.Curve c : report.compared()) {
            c.levels().forEach(r -> csvRow(sb, "haste: " + c.label(), r));
        }
        for (EvalReport.BaselineRow b : report.baselines()) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%s,%.0f,%.2f,,,,,,,%n", b.method(), b.level(), quality(b.quality()), b.macs(),
                    100 * b.reduction()));
        }
        return sb.toString();
    }

    private static void csvRow(StringBuilder sb, String method, EvalReport.Row r) {
        MacsBreakdown t = r.macsTerms();
        sb.append(String.format(Locale.ROOT, "\"%s\",%s,%s,%.0f,%.2f,%.2f,%.3f,%.0f,%.0f,%.0f,%.0f,%.0f%n", method,
                method.equals("dense") ? "" : r.config(), quality(r.quality()), r.exactMacs(), 100 * r.reduction(), 100 * r.nchwcReduction(),
                r.medianMs(), t.mergedAway(), t.padding(), t.hashing(), t.inputMerge(), t.filterMerge()));
    }

    /** top-1, or mAP@0.5 and mAP@0.5:0.95, as CSV fields. */
    private static String quality(Quality q) {
        return q.top1() != null ? String.format(Locale.ROOT, "%.2f", q.top1()) : String.format(Locale.ROOT, "%.2f,%.2f", q.map50(), q.map50to95());
    }

    private static XYChart accuracyVsMacs(EvalReport report) {
        String measure = report.rows().get(0).quality().primaryName();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(report.model() + ", " + report.images() + " images: " + measure + " vs MACs saved")
                .xAxisTitle("MACs reduction against dense, exact channel counts, HASTE's overhead counted (%)").yAxisTitle(measure + " (%)").build();
        List<EvalReport.Row> levels = report.rows().subList(1, report.rows().size());
        addCurve(chart, "HASTE (" + report.label() + ")", levels);
        for (EvalReport.Curve c : report.compared()) {
            addCurve(chart, "HASTE (" + c.label() + ")", c.levels());
        }
        for (Baselines.Method method : Baselines.Method.values()) {
            List<EvalReport.BaselineRow> rows = report.baselines().stream().filter(b -> b.method().equals(method.label())).toList();
            if (!rows.isEmpty()) {
                chart.addSeries(method.label() + " at HASTE's channel counts", rows.stream().mapToDouble(b -> 100 * b.reduction()).toArray(),
                        rows.stream().mapToDouble(b -> b.quality().primary()).toArray());
            }
        }
        double[] xs = allReductions(report);
        double dense = report.rows().get(0).quality().primary();
        XYSeries line = chart.addSeries("dense", new double[] {min(xs), max(xs)}, new double[] {dense, dense});
        line.setMarker(SeriesMarkers.NONE);
        XYSeries onePoint = chart.addSeries("dense - 1 pp", new double[] {min(xs), max(xs)}, new double[] {dense - 1, dense - 1});
        onePoint.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static void addCurve(XYChart chart, String name, List<EvalReport.Row> levels) {
        chart.addSeries(name + ", levels 0.." + (levels.size() - 1), levels.stream().mapToDouble(r -> 100 * r.reduction()).toArray(),
                levels.stream().mapToDouble(r -> r.quality().primary()).toArray());
    }

    private static XYChart channels(EvalReport report) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(report.model() + ": mean channels convolved per HASTE layer")
                .xAxisTitle("HASTE layer (in model order)").yAxisTitle("channels").build();
        double[] layer = IntStream.rangeClosed(1, report.layerChannels().length).asDoubleStream().toArray();
        XYSeries dense = chart.addSeries("dense", layer, IntStream.of(report.layerChannels()).asDoubleStream().toArray());
        dense.setMarker(SeriesMarkers.NONE);
        List<EvalReport.Row> levels = report.rows().subList(2, report.rows().size());
        for (EvalReport.Row r : levels) {
            chart.addSeries("level " + r.config(), layer, r.meanChannels());
        }
        return chart;
    }

    private static XYChart accountings(EvalReport report) {
        String measure = report.rows().get(0).quality().primaryName();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(report.model() + ", " + report.images() + " images: the paper's accounting and ours")
                .xAxisTitle("MACs reduction against dense (%)").yAxisTitle(measure + " (%)").build();
        addAccountings(chart, report.label(), report.rows().subList(1, report.rows().size()), report.denseConvMacs());
        for (EvalReport.Curve c : report.compared()) {
            addAccountings(chart, c.label(), c.levels(), report.denseConvMacs());
        }
        double dense = report.rows().get(0).quality().primary();
        XYSeries onePoint = chart.addSeries("dense - 1 pp", new double[] {0, max(allReductions(report)) + 10}, new double[] {dense - 1, dense - 1});
        onePoint.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /** Two series for one curve: its levels counted the paper's way (convolutions merged away, no overhead) and ours. */
    private static void addAccountings(XYChart chart, String label, List<EvalReport.Row> levels, long denseConvMacs) {
        double[] quality = levels.stream().mapToDouble(r -> r.quality().primary()).toArray();
        chart.addSeries(label + ": paper's count (convolutions, no overhead)",
                levels.stream().mapToDouble(r -> 100 * PaperAccounting.of(r, denseConvMacs).convMerging()).toArray(), quality);
        chart.addSeries(label + ": ours (every layer, every overhead)", levels.stream().mapToDouble(r -> 100 * r.reduction()).toArray(), quality);
    }

    private static double[] allReductions(EvalReport report) {
        List<Double> xs = new ArrayList<>();
        report.rows().forEach(r -> xs.add(100 * r.reduction()));
        report.compared().forEach(c -> c.levels().forEach(r -> xs.add(100 * r.reduction())));
        report.baselines().forEach(b -> xs.add(100 * b.reduction()));
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double min(double[] xs) {
        return java.util.Arrays.stream(xs).min().orElse(0);
    }

    private static double max(double[] xs) {
        return java.util.Arrays.stream(xs).max().orElse(0);
    }
}
