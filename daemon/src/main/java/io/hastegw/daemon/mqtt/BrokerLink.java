package io.hastegw.daemon.mqtt;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the gateway's core needs of its broker connection: start with its subscriptions, take
 * messages, publish, drop the frame subscription at a stop, close with a final status. The port
 * between the core and MQTT: {@link MqttConnection} is the real one (Paho); an in-process test
 * gives the pipeline one without a broker.
 */
public interface BrokerLink extends MessagePublisher {
    /**
     * Starts connecting (and keeps reconnecting until {@link #close}); the future completes after
     * the first connect and subscription.
     *
     * @param context       where every callback runs
     * @param subscriptions made after every connect
     * @param onConnected   run after every connect, once subscribed
     * @param messages      receives every message on the subscriptions
     */
    Future<Void> start(Context context, List<Subscription> subscriptions, Runnable onConnected, Consumer<IncomingMessage> messages);

    /** Unsubscribes from {@code filter} and no longer makes it on a reconnect; the connection stays for the last publications. */
    Future<Void> unsubscribe(String filter);

    /** Publishes {@code finalStatus} (retained on the status topic), disconnects cleanly and stops reconnecting. */
    Future<Void> close(byte[] finalStatus);

    /** Whether the connection is up and the subscriptions acknowledged. */
    boolean isReady();

    /** Successful connects so far (1 + reconnects). */
    long connects();
}
