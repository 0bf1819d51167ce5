package io.hastegw.op.cli;

import io.hastegw.op.eval.Evaluator;
import java.io.PrintWriter;

/**
 * A progress bar on the error stream: redrawn in place on a terminal, else (a log, a pipe) one
 * line at every tenth of the way, so long evaluations say how far they are without flooding.
 */
final class ProgressLine implements Evaluator.Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean terminal;
    private final String what;
    private final String unit;
    private int lastTenth = -1;

    /** A bar labelled {@code what} counting {@code unit} (e.g. "images"), in place when {@code terminal}. */
    ProgressLine(PrintWriter err, boolean terminal, String what, String unit) {
        this.err = err;
        this.terminal = terminal;
        this.what = what;
        this.unit = unit;
    }

    @Override
    public void update(int done, int total) {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        String line = what + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + unit;
        if (terminal) {
            err.print("\r" + line + (done == total ? "\n" : ""));
            err.flush();
            return;
        }
        int tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth != lastTenth) {
            lastTenth = tenth;
            err.println(line);
        }
    }
}
