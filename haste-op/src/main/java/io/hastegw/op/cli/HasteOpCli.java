package io.hastegw.op.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code haste-op}: transform ONNX models with HASTE, inspect them, evaluate them. */
@Command(name = "haste-op", mixinStandardHelpOptions = true, version = "haste-op 0.1.0",
        description = "HASTE (hashing-based channel merging) for ONNX CNNs.",
        subcommands = {TransformCommand.class, InspectCommand.class, EvalCommand.class, BenchCommand.class, StreamBenchCommand.class,
                CalibrateCommand.class, ScenesCommand.class, DecodeBenchCommand.class})
public final class HasteOpCli {
    /** Read by {@link #main} before parsing (the ONNX Runtime environment must exist first); declared here to be accepted and listed. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "show ONNX Runtime's warnings (hidden otherwise)")
    boolean verbose;

    /** Runs the CLI and exits with its status (0 success, 1 bad input, 2 usage error). */
    public static void main(String[] args) {
        // The process's ONNX Runtime environment, made before any command uses it: errors only (its graph
        // optimiser warns about every unused initialiser of a HASTE model) unless --verbose.
        OrtEnvironment.getEnvironment(List.of(args).contains("--verbose") ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING
                : OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs the CLI with the given output and error streams and returns its exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new HasteOpCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("haste-op " + cmd.getCommandName() + ": " + ex.getMessage());
            return 1;
        });
        return cli.execute(args);
    }
}
