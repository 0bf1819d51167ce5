package io.hastegw.daemon.control;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The compression level in use, changeable at run time (over MQTT) within the model's levels.
 * Read by every frame on the workers, written on the event loop.
 */
public final class LevelControl implements IntSupplier {
    private final AtomicInteger level;
    private final int levels;

    /** Starts at {@code initial}; valid levels are 0 .. {@code levels - 1}. */
    public LevelControl(int initial, int levels) {
        if (initial < 0 || initial >= levels) {
            throw new IllegalArgumentException("level " + initial + " outside 0.." + (levels - 1));
        }
        this.level = new AtomicInteger(initial);
        this.levels = levels;
    }

    @Override
    public int getAsInt() {
        return level.get();
    }

    /** Number of levels of the model. */
    public int levels() {
        return levels;
    }

    /**
     * Parses a requested level (a plain number, or JSON {@code {"level": n}}) and applies it.
     *
     * @return the new level, or empty when the request is not a valid level
     */
    public OptionalInt request(String payload) {
        String text = payload.strip();
        java.util.regex.Matcher json = java.util.regex.Pattern.compile("^\\{\\s*\"level\"\\s*:\\s*(-?\\d{1,9})\\s*}$").matcher(text);
        String number = json.matches() ? json.group(1) : text;
        if (!number.matches("-?\\d{1,9}")) {
            return OptionalInt.empty();
        }
        int requested = Integer.parseInt(number);
        if (requested < 0 || requested >= levels) {
            return OptionalInt.empty();
        }
        level.set(requested);
        return OptionalInt.of(requested);
    }

    /** The message explaining a refused request. */
    public String refusal(String payload) {
        String shown = payload.length() > 40 ? payload.substring(0, 40) + "..." : payload;
        return "level '" + shown + "' refused: send a whole number from 0 (dense) to " + (levels - 1) + ", or {\"level\": n}";
    }
}
