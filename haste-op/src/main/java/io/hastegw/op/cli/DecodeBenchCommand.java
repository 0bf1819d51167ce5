package io.hastegw.op.cli;

import io.hastegw.op.bench.DecodeBenchmark;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code haste-op decode-bench}: the gateway's detection decoding and NMS on a YOLOv8-sized output, timed on one thread. */
@Command(name = "decode-bench", mixinStandardHelpOptions = true,
        description = "Time the gateway's detection decoding (score threshold, boxes) and class-aware NMS on a synthetic YOLOv8 output "
                + "[1, 4 + classes, cells] (default: 80 classes, 8400 cells, as YOLOv8 at 640x640), one thread.")
final class DecodeBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--classes", defaultValue = "80", description = "classes (default: ${DEFAULT-VALUE})")
    int classes;

    @Option(names = "--cells", defaultValue = "8400", description = "cells (default: ${DEFAULT-VALUE})")
    int cells;

    @Option(names = "--objects", defaultValue = "20", description = "objects, each a cluster of " + DecodeBenchmark.CLUSTER
            + " overlapping candidate cells (default: ${DEFAULT-VALUE})")
    int objects;

    @Option(names = "--runs", defaultValue = "2000", description = "timed runs per setting (default: ${DEFAULT-VALUE})")
    int runs;

    @Mixin
    ReportOptions reportOptions;

    @Override
    public Integer call() throws Exception {
        if (classes < 1 || cells <= DecodeBenchmark.CLUSTER || objects < 0 || runs < 1) {
            throw new IllegalArgumentException("--classes and --runs must be positive, --cells above " + DecodeBenchmark.CLUSTER
                    + ", --objects not negative");
        }
        float[] output = DecodeBenchmark.output(classes, cells, objects, 5);
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "## haste-op decode-bench%n%noutput [1, %d, %d] (%d classes), %d objects "
                        + "of %d candidate cells each, other scores the sigmoid of N(-8, 1.5); one thread, %d runs after %d warm-up, "
                        + "Java %s, %d cores%n%n| setting | candidates | kept | scan + boxes p50 ms | p95 ms | NMS p50 ms | total p50 ms "
                        + "| total p95 ms |%n|---|---|---|---|---|---|---|---|%n", 4 + classes, cells, classes, objects, DecodeBenchmark.CLUSTER,
                runs, runs / 2, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
        report.append(DecodeBenchmark.line("prediction: score > 0.25, IoU 0.5, at most 100",
                DecodeBenchmark.run(output, classes, 0.25, 0.5, 100, runs / 2, runs))).append('\n');
        report.append(DecodeBenchmark.line("validation: score > 0.01, IoU 0.5, at most 300",
                DecodeBenchmark.run(output, classes, 0.01, 0.5, 300, runs / 2, runs))).append('\n');
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(report);
        reportOptions.write(report);
        return 0;
    }
}
