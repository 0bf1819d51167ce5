package io.hastegw.daemon.plugin;

import io.hastegw.plugin.api.Prediction;

/** A plugin's sink as the gateway calls it: a published prediction with its encoded message, behind the plugin's guard (and queue). */
public interface DeliverySink {
    /** Hands over {@code prediction}, whose message the gateway encoded as {@code message}; a failure throws {@link PluginFailure}. */
    void deliver(Prediction prediction, byte[] message);
}
