package io.hastegw.daemon.http;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * Wrong console tokens, counted so that guessing is slow: after {@value #LIMIT} wrong tokens
 * within {@value #WINDOW_MS} ms every control request is refused until the oldest of them is that
 * old, right token or not. Used on one event loop.
 */
final class TokenAttempts {
    /** Wrong tokens allowed within the window. */
    static final int LIMIT = 5;
    /** The window, in milliseconds. */
    static final long WINDOW_MS = 10_000;
    private final ArrayDeque<Long> wrong = new ArrayDeque<>();

    /** How long (ms) control requests are refused at {@code nowMillis}; empty when they may be tried. */
    OptionalLong lockedFor(long nowMillis) {
        while (!wrong.isEmpty() && nowMillis - wrong.peekFirst() >= WINDOW_MS) {
            wrong.removeFirst();
        }
        return wrong.size() < LIMIT ? OptionalLong.empty() : OptionalLong.of(WINDOW_MS - (nowMillis - wrong.peekFirst()));
    }

    /** Notes a wrong token at {@code nowMillis}; returns how many are counted now. */
    int wrong(long nowMillis) {
        wrong.addLast(nowMillis);
        return wrong.size();
    }
}
