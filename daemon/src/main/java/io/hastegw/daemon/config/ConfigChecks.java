package io.hastegw.daemon.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Collects a configuration's problems, one message per bad key, each naming the key, what it must be and what it was. */
final class ConfigChecks {
    private final List<String> errors = new ArrayList<>();

    /** A problem with {@code key} unless {@code ok}: it must be {@code allowed} (got {@code value}). */
    void check(boolean ok, String key, String allowed, Object value) {
        if (!ok) {
            errors.add("key '" + key + "' must be " + allowed + " (got " + (value == null ? "nothing" : "'" + value + "'") + ")");
        }
    }

    /** A problem with {@code key} unless {@code value} names one of {@code type}'s constants. */
    <E extends Enum<E>> void choice(Class<E> type, String key, String value) {
        check(Choices.parse(type, value).isPresent(), key, "one of " + Choices.list(type), value);
    }

    /** Problems found elsewhere (a section that reports its own messages). */
    void addAll(List<String> more) {
        errors.addAll(more);
    }

    /** A message of its own. */
    void add(String message) {
        errors.add(message);
    }

    /** Every problem so far. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** The closed sets of values a configuration key takes: parsed case-insensitively, listed in lower case. */
    static final class Choices {
        private Choices() {}

        /** The constant of {@code type} that {@code value} names, or empty. */
        static <E extends Enum<E>> Optional<E> parse(Class<E> type, String value) {
            if (value != null) {
                for (E e : type.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(value)) {
                        return Optional.of(e);
                    }
                }
            }
            return Optional.empty();
        }

        /** {@code type}'s constants as a configuration writes them ({@code drop_oldest, drop_newest}). */
        static <E extends Enum<E>> String list(Class<E> type) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(java.util.Locale.ROOT));
            }
            return String.join(", ", names);
        }
    }
}
