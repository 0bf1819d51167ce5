package io.hastegw.op.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code haste-op}: transform ONNX models with HASTE, inspect them, evaluate them. */
@Command(name = "haste-op", mixinStandardHelpOptions = true, version = "haste-op 0.1.0",
        description = "HASTE (hashing-based channel merging) for ONNX CNNs.",
        subcommands = {TransformCommand.class, InspectCommand.class, EvalCommand.class, BenchCommand.class})
public final class HasteOpCli {
    /** Runs the CLI and exits with its status (0 success, 1 bad input, 2 usage error). */
    public static void main(String[] args) {
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
