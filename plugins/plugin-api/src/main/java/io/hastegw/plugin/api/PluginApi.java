package io.hastegw.plugin.api;

/**
 * The version of this API. A plugin built against another major version is refused by the
 * daemon; additions that keep old plugins working do not change it.
 */
public final class PluginApi {
    /** The API version implemented by this module. */
    public static final int VERSION = 1;

    private PluginApi() {}
}
