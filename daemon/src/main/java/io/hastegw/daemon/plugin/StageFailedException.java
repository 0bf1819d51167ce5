package io.hastegw.daemon.plugin;

/** A plugin's stage threw or did not return within its time budget; the message says which plugin and stage, and what happened. */
public final class StageFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    StageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
