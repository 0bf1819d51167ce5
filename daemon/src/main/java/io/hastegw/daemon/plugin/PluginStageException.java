package io.hastegw.daemon.plugin;

/**
 * Thrown by the gateway's view of a plugin stage when the plugin's code threw or timed out
 * (the frame gets a {@code plugin_failed} error event with this message).
 */
public final class PluginStageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PluginStageException(StageFailedException cause) {
        super(cause.getMessage(), cause);
    }
}
