package io.hastegw.daemon.mqtt;

/**
 * Where the core's messages go: the port between the pipeline and MQTT. The gateway's connection
 * is one; tests can pass their own.
 */
@FunctionalInterface
public interface MessagePublisher {
    /**
     * Publishes without blocking; false when the message was dropped (not connected, or the client
     * refused it). Nothing is thrown.
     */
    boolean publish(OutgoingMessage message);
}
