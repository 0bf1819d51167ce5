package io.hastegw.daemon.mqtt;

/** Exponential back-off between reconnect attempts: the first delay, doubled after each failure up to the largest, reset on success. */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private long nextMs;

    Backoff(long minMs, long maxMs) {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.nextMs = minMs;
    }

    /** The delay before the next attempt; the one after is twice as long, at most the largest. */
    synchronized long next() {
        long delay = nextMs;
        nextMs = Math.min(nextMs * 2, maxMs);
        return delay;
    }

    /** A connect succeeded: the next failure waits the first delay again. */
    synchronized void reset() {
        nextMs = minMs;
    }
}
