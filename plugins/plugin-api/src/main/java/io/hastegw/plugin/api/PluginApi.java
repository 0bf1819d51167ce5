package io.hastegw.plugin.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of this API, {@code MAJOR.MINOR}, and the rule that says which plugins the daemon
 * loads (docs/plugins.md "Compatibility"): a plugin declares the API version it was built
 * against; it is loaded when the majors are equal and its minor is not above the daemon's. A
 * change that breaks a plugin built against the same major (a method removed or changed, a
 * record component changed) raises the major; additions that keep every such plugin working
 * (a new type, a new default method) raise the minor.
 */
public final class PluginApi {
    /** Raised by changes that break plugins built against this major. */
    public static final int MAJOR = 2;
    /** Raised by additions. */
    public static final int MINOR = 2;
    /** {@code MAJOR.MINOR}. */
    public static final String VERSION = MAJOR + "." + MINOR;

    private static final Pattern FORM = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");

    private PluginApi() {}

    /**
     * Why a plugin that needs API version {@code required} cannot be loaded by this API, or empty
     * when it can.
     */
    public static Optional<String> incompatibility(String required) {
        Matcher m = required == null ? null : FORM.matcher(required);
        if (m == null || !m.matches()) {
            return Optional.of("api version '" + required + "' is not MAJOR.MINOR (this gateway implements " + VERSION + ")");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major != MAJOR) {
            return Optional.of("needs plugin API " + required + ", this gateway implements " + VERSION + " (major versions differ)");
        }
        if (minor > MINOR) {
            return Optional.of("needs plugin API " + required + ", this gateway implements " + VERSION + " (a newer minor version)");
        }
        return Optional.empty();
    }
}
