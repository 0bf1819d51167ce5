package io.hastegw.daemon.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What outlives a run of the plugin system, in the gateway's state folder: the {@link CallLedger}
 * ({@value #LEDGER}: which plugin each thread is running, read after an unclean end to quarantine
 * the plugin that was running) and the {@link PluginQuarantine} ({@value #QUARANTINE}).
 */
public final class PluginSafety {
    /** The ledger's file name in the state folder. */
    public static final String LEDGER = "plugin-calls.map";
    /** The quarantine's file name in the state folder. */
    public static final String QUARANTINE = "plugin-quarantine.json";

    private final CallLedger ledger;
    private final PluginQuarantine quarantine;
    private final Optional<Path> dir;

    private PluginSafety(CallLedger ledger, PluginQuarantine quarantine, Optional<Path> dir) {
        this.ledger = ledger;
        this.quarantine = quarantine;
        this.dir = dir;
    }

    /** For a gateway's run: the ledger opened (a previous unclean end read) and the quarantine; in memory only without a folder. */
    public static PluginSafety forRun(Optional<Path> stateDir) throws IOException {
        if (stateDir.isEmpty()) {
            return inMemory();
        }
        Files.createDirectories(stateDir.get());
        return new PluginSafety(CallLedger.open(stateDir.get().resolve(LEDGER)), PluginQuarantine.open(stateDir.get().resolve(QUARANTINE)),
                stateDir);
    }

    /** For looking only ({@code list-plugins} beside a running gateway): the quarantine read, the ledger left alone. */
    public static PluginSafety forInspection(Optional<Path> stateDir) throws IOException {
        return new PluginSafety(CallLedger.NONE, PluginQuarantine.open(stateDir.map(d -> d.resolve(QUARANTINE)).orElse(null)), stateDir);
    }

    /** Nothing kept across runs: no ledger, the quarantine in memory. */
    public static PluginSafety inMemory() {
        return new PluginSafety(CallLedger.NONE, PluginQuarantine.inMemory(), Optional.empty());
    }

    CallLedger ledger() {
        return ledger;
    }

    /** The quarantine. */
    public PluginQuarantine quarantine() {
        return quarantine;
    }

    /** Where the quarantine is kept, if anywhere (for messages). */
    public Optional<Path> quarantineFile() {
        return dir.map(d -> d.resolve(QUARANTINE));
    }
}
