package io.hastegw.daemon;

import io.hastegw.daemon.mqtt.BrokerLink;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Test support for the fast tier: the gateway's broker connection without a broker. It is
 * "connected" at once, hands the test's messages to the gateway as the real connection would (on
 * the gateway's context), and keeps everything the gateway publishes.
 */
final class InProcessBroker implements BrokerLink {
    private final BlockingQueue<OutgoingMessage> published = new LinkedBlockingQueue<>();
    private volatile Context context;
    private volatile Consumer<IncomingMessage> messages;
    private volatile List<Subscription> subscriptions = List.of();
    private volatile boolean ready;

    @Override
    public Future<Void> start(Context context, List<Subscription> subscriptions, Runnable onConnected, Consumer<IncomingMessage> messages) {
        this.context = context;
        this.messages = messages;
        this.subscriptions = List.copyOf(subscriptions);
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> {
            ready = true;
            onConnected.run();
            first.complete();
        });
        return first.future();
    }

    /** The subscriptions the gateway asked for. */
    List<Subscription> subscriptions() {
        return subscriptions;
    }

    /** A message arriving on {@code topic}, as a client would publish it. */
    void send(String topic, byte[] payload, String contentType, Map<String, String> userProperties) {
        IncomingMessage in = new IncomingMessage(topic, payload, contentType, null, userProperties, null, false, System.nanoTime());
        context.runOnContext(v -> messages.accept(in));
    }

    /** The first published message (kept or still to come, within 10 s) that {@code wanted} accepts; fails when none comes. */
    OutgoingMessage await(Predicate<OutgoingMessage> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            OutgoingMessage m = published.poll(50, TimeUnit.MILLISECONDS);
            if (m != null && wanted.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no such message was published within 10 s");
    }

    /** Everything published and not yet taken. */
    List<OutgoingMessage> drain() {
        List<OutgoingMessage> out = new java.util.ArrayList<>();
        published.drainTo(out);
        return out;
    }

    /** Whether {@code topic} got a message within {@code millis}. */
    boolean anyOn(String topic, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            OutgoingMessage m = published.poll(20, TimeUnit.MILLISECONDS);
            if (m != null && m.topic().equals(topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean publish(OutgoingMessage message) {
        return ready && published.add(message);
    }

    @Override
    public Future<Void> unsubscribe(String filter) {
        subscriptions = subscriptions.stream().filter(s -> !s.filter().equals(filter)).toList();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> close(byte[] finalStatus) {
        ready = false;
        return Future.succeededFuture();
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public long connects() {
        return ready ? 1 : 0;
    }
}
