package io.hastegw.daemon.messages;

/** How the gateway writes a measured figure in its messages and pages: to 3 decimals, and unknown (not finite) as null. */
public final class Figures {
    private Figures() {}

    /** {@code v} rounded to 3 decimals. */
    public static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** {@code v} rounded to 3 decimals, or null when it is not finite (unknown). */
    public static Double finite3(double v) {
        return Double.isFinite(v) ? round3(v) : null;
    }
}
