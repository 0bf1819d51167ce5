package io.hastegw.daemon.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The controller's modes, as control commands and the configuration write them ({@code auto}, {@code fixed}, {@code off}). */
public enum ControlMode {
    /** Follow the load within the level bounds. */
    AUTO,
    /** Run one level. */
    FIXED,
    /** Run dense. */
    OFF;

    /** Every mode as written, in order. */
    public static final List<String> WIRE = Arrays.stream(values()).map(ControlMode::wire).toList();

    /** Its name in commands and configuration. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode {@code text} names exactly, or empty. */
    public static Optional<ControlMode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.wire().equals(text)).findFirst();
    }
}
