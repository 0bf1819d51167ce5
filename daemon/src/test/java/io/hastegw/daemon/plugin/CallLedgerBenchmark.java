package io.hastegw.daemon.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What crash attribution costs per plugin call (not a test): {@code enter} + {@code exit} of the
 * memory-mapped call ledger on one thread, against an empty loop, in one run. Usage:
 * {@code java -cp daemon/target/test-classes:daemon/target/classes io.hastegw.daemon.plugin.CallLedgerBenchmark}.
 */
public final class CallLedgerBenchmark {
    private CallLedgerBenchmark() {}

    /** Prints nanoseconds per call for both loops (best of 5 rounds of 20 million). */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("haste-ledger");
        try {
            CallLedger ledger = CallLedger.open(dir.resolve("calls.map"));
            String[] stages = {"post-processor 'step'", "decoder 'jpeg'", "sink 'webhook'"};
            int n = 20_000_000;
            double bestLedger = Double.MAX_VALUE;
            double bestEmpty = Double.MAX_VALUE;
            long sink = 0;
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    int token = ledger.enter("plugin", stages[i % 3]);
                    sink += token;
                    ledger.exit(token);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += stages[i % 3].length();
                }
                long t2 = System.nanoTime();
                bestLedger = Math.min(bestLedger, (t1 - t0) / (double) n);
                bestEmpty = Math.min(bestEmpty, (t2 - t1) / (double) n);
            }
            ledger.closeClean();
            System.out.printf(Locale.ROOT, "call ledger: enter + exit %.1f ns per call; the loop alone %.1f ns (checksum %d)%n", bestLedger, bestEmpty,
                    sink % 10);
        } finally {
            Files.deleteIfExists(dir.resolve("calls.map"));
            Files.deleteIfExists(dir);
        }
    }
}
