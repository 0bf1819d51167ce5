package io.hastegw.daemon.plugin;

/** Which folder a plugin came from; {@link #wire()} is how /status and {@code list-plugins} show it. */
public enum PluginOrigin {
    /** {@code plugins.builtin_dir}: shipped with the gateway, on unless configured off, called on the caller's thread. */
    BUILTIN("builtin"),
    /** {@code plugins.dir}: the operator's, off unless enabled, called on its own threads. */
    OPERATOR("operator");

    private final String wire;

    PluginOrigin(String wire) {
        this.wire = wire;
    }

    /** Its name in /status and listings. */
    public String wire() {
        return wire;
    }
}
