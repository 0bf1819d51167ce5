package io.hastegw.op.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out}: where a benchmark also writes its Markdown report (a picocli mixin of the benchmark commands). */
public final class ReportOptions {
    @Option(names = "--out", description = "also write the report (Markdown) here")
    private Path out;

    /** Writes {@code report} to {@code --out} (its folder created) when one was given. */
    void write(CharSequence report) throws IOException {
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, report);
        }
    }
}
