package io.hastegw.daemon;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one cleanup path of the composition root: what is opened is added as it is opened, and
 * {@link #close()} closes it all in reverse order, each failure logged and the rest still closed.
 * A failed start and a stop both end here.
 */
final class CloseList implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloseList.class);
    private final Deque<Step> steps = new ArrayDeque<>();

    /** One thing to close, named for the log. */
    private record Step(String name, AutoCloseable closeable) {}

    /** Closes {@code closeable} (when not null) at {@link #close()}, before what was added earlier; returns it. */
    synchronized <T extends AutoCloseable> T add(String name, T closeable) {
        if (closeable != null) {
            steps.push(new Step(name, closeable));
        }
        return closeable;
    }

    /** Closes everything added, last added first; idempotent. */
    @Override
    public synchronized void close() {
        while (!steps.isEmpty()) {
            Step s = steps.pop();
            try {
                s.closeable().close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", s.name(), e.toString());
            }
        }
    }
}
