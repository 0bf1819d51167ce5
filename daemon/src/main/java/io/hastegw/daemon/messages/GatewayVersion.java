package io.hastegw.daemon.messages;

/** The gateway's version as its messages and pages show it: the jar's implementation version, {@code dev} in a build. */
public final class GatewayVersion {
    private GatewayVersion() {}

    /** The version of the running gateway. */
    public static String current() {
        String v = GatewayVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
