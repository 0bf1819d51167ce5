package io.hastegw.plugin.testkit;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** The logger a plugin under test gets: every line kept with its level (formatted as {@code System.Logger} formats it). */
public final class RecordingLogger implements System.Logger {
    private final String name;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    /** One logged line; {@code thrown} is null when none was given. */
    public record Line(Level level, String message, Throwable thrown) {}

    RecordingLogger(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        lines.add(new Line(level, msg, thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        lines.add(new Line(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params), null));
    }

    /** Every line so far, in order. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }
}
