package io.hastegw.daemon.plugin;

/**
 * A plugin could not be loaded, or its code failed: it threw, overran its time budget, broke the API's contract, or the
 * plugin is disabled or stopped. The one failure type of the plugin runtime; the message says
 * which plugin and stage and what happened (a frame gets a {@code plugin_failed} error event
 * with it), the reason says which of these it was, the cause is kept.
 */
public final class PluginFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The plugin could not be loaded: its files, descriptor, configuration or code (the message says which). */
        REFUSED,
        /** The plugin's code threw (anything but a frame rejection where one is allowed). */
        THREW,
        /** The call did not return within its budget ({@code plugins.stage_timeout_ms}). */
        TIMED_OUT,
        /** The call was not made: as many of the plugin's calls as allowed still run past their budget ({@code plugins.max_stuck_calls}). */
        BUSY,
        /** The plugin answered against the API's contract (null, or a rejection where none is allowed). */
        BROKE_CONTRACT,
        /** The plugin was disabled after failing too often; its stages are no longer called. */
        DISABLED,
        /** The plugin is stopped (its threads are gone). */
        STOPPED,
        /** The gateway's own thread was interrupted while waiting for the plugin. */
        INTERRUPTED,
        /**
         * The plugin's host process ({@code isolation: process}) ended during the call or is restarting; counted as the
         * host's death, not as a failure of the call.
         */
        HOST_DOWN
    }

    private final Reason reason;

    PluginFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Which kind of failure this is. */
    public Reason reason() {
        return reason;
    }
}
