package io.hastegw.daemon.config;

import java.util.List;

/** An unusable configuration; the message lists every problem, one per line, each naming its key. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** One exception for all {@code problems}. */
    public ConfigException(List<String> problems) {
        super("invalid configuration: " + String.join("; ", problems));
    }

    /** One exception for {@code problems}, found because of {@code cause} (a parser's). */
    public ConfigException(List<String> problems, Throwable cause) {
        super("invalid configuration: " + String.join("; ", problems), cause);
    }
}
