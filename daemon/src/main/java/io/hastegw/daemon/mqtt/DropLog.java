package io.hastegw.daemon.mqtt;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Messages that did not go out: counted, and warned about at most once every 10 s (with the count since start), else logged at debug. */
final class DropLog {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - 2 * WARN_EVERY_NANOS);

    /** A message to {@code topic} was dropped because of {@code why}. */
    void dropped(String topic, String why) {
        long n = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("mqtt: publish to {} dropped: {} ({} dropped since start)", Topics.abbreviated(topic), why, n);
        } else {
            LOG.debug("mqtt: publish to {} dropped: {}", Topics.abbreviated(topic), why);
        }
    }
}
