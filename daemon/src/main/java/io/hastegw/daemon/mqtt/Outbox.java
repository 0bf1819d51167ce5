package io.hastegw.daemon.mqtt;

import java.util.ArrayDeque;
import java.util.Optional;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * QoS 1 and 2 messages the client could not send yet because the broker's in-flight window was
 * full (Mosquitto allows 20 unacknowledged): kept in order, within {@value #MAX_MESSAGES} messages
 * and {@value #MAX_BYTES} bytes, and sent as acknowledgements free the window. Thread-safe: the
 * gateway's event loop, plugin threads and Paho's callback thread use it.
 */
final class Outbox {
    /** Most messages kept. */
    static final int MAX_MESSAGES = 10_000;
    /** Most payload bytes kept. */
    static final long MAX_BYTES = 16L << 20;
    /** Why a message is dropped when the outbox is full. */
    static final String FULL = "the outbox is full (" + MAX_MESSAGES + " messages or " + (MAX_BYTES >> 20) + " MiB)";

    /** A message waiting for the window. */
    record Pending(String topic, MqttMessage message) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long bytes;

    /** Keeps {@code message} for later; false when the outbox is full (the message is dropped). */
    synchronized boolean offer(String topic, MqttMessage message) {
        int size = message.getPayload().length;
        if (pending.size() >= MAX_MESSAGES || bytes + size > MAX_BYTES) {
            return false;
        }
        pending.addLast(new Pending(topic, message));
        bytes += size;
        return true;
    }

    /** Whether messages wait (a new QoS 1 message then goes behind them, to keep the order). */
    synchronized boolean waiting() {
        return !pending.isEmpty();
    }

    /** The oldest waiting message, if any, left in place until {@link #sent} says it went out. */
    synchronized Optional<Pending> peek() {
        return Optional.ofNullable(pending.peekFirst());
    }

    /** The oldest message went out. */
    synchronized void sent() {
        Pending p = pending.pollFirst();
        if (p != null) {
            bytes -= p.message().getPayload().length;
        }
    }

    /** Forgets every waiting message (the connection is gone: the state is published again on reconnect); returns how many. */
    synchronized int clear() {
        int n = pending.size();
        pending.clear();
        bytes = 0;
        return n;
    }
}
