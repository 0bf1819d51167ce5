package io.hastegw.daemon.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The call ledger: what a run left under way is read by the next; a clean stop leaves nothing; a finished call is not listed. */
class CallLedgerTest {
    @TempDir
    Path tmp;

    @Test
    void aCallUnderWayWhenTheRunEndsIsReadByTheNextRun() throws Exception {
        Path file = tmp.resolve("calls.map");
        CallLedger first = CallLedger.open(file);
        assertEquals(List.of(), first.unclean(), "a first run finds nothing");
        first.exit(first.enter("finished", "decoder 'jpeg'"));
        first.enter("ender", "post-processor 'step'");
        // No closeClean: the process ended here (halt, kill).
        CallLedger second = CallLedger.open(file);
        assertEquals(List.of(new CallLedger.Call("ender", "post-processor 'step'", Thread.currentThread().getId())), second.unclean());
        assertEquals(List.of(), CallLedger.open(file).unclean(), "each run reads only the run before it");
    }

    @Test
    void aCleanStopLeavesNothingForTheNextRun() throws Exception {
        Path file = tmp.resolve("calls.map");
        CallLedger first = CallLedger.open(file);
        first.enter("stuck", "sink 'webhook'");
        first.closeClean();
        assertEquals(List.of(), CallLedger.open(file).unclean());
    }

    @Test
    void theCallATheadIsInIsFoundByItsId() throws Exception {
        CallLedger ledger = CallLedger.open(tmp.resolve("calls.map"));
        int token = ledger.enter("p", "health");
        assertEquals("p", ledger.current(Thread.currentThread().getId()).orElseThrow().plugin());
        ledger.exit(token);
        assertEquals(java.util.Optional.empty(), ledger.current(Thread.currentThread().getId()));
    }
}
