package io.hastegw.plugin.api;

/**
 * A plugin's own view of whether it works, as {@link Plugin#health()} reports it.
 *
 * @param healthy whether it works
 * @param detail  what is wrong (or a short state) in words an operator reads, or null
 */
public record Health(boolean healthy, String detail) {
    /** Working. */
    public static Health up() {
        return new Health(true, null);
    }

    /** Not working, because of {@code detail}. */
    public static Health down(String detail) {
        return new Health(false, detail);
    }
}
