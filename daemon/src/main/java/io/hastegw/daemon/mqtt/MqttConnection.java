package io.hastegw.daemon.mqtt;

import io.hastegw.daemon.config.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one MQTT 5 connection (Eclipse Paho), in an explicit {@link State}. It works
 * around Paho 1.2.5's known problems (GATEWAY.md): Paho's automatic reconnect is off and this
 * class reconnects itself with exponential back-off ({@link Backoff}), also when the first
 * connect fails, building a fresh client for every attempt; the subscriptions it is given are
 * made again after every connect, from the Vert.x context, never inside a Paho callback;
 * messages are taken through the global callback (shared subscriptions never reach
 * per-subscription listeners) and handed to the Vert.x context at once, so Paho's threads never
 * block. The retained status topic says {@code online} after each connect; the last will says
 * {@code offline}. It exists before it is started, so what publishes through it (the plugins'
 * output) can be given it at once; until it is ready, publishing answers false.
 */
public final class MqttConnection implements BrokerLink {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    /** Where the connection is. */
    public enum State {
        /** Created, {@link #start} not called yet. */
        NEW,
        /** Connecting, or waiting to reconnect. */
        CONNECTING,
        /** Connected, the subscriptions not yet acknowledged. */
        CONNECTED,
        /** Connected and subscribed: messages flow both ways. */
        READY,
        /** {@link #close} called: no more reconnects. */
        CLOSED
    }

    private final Vertx vertx;
    private final GatewayConfig config;
    private final Topics topics;
    private final byte[] offlineStatus;
    private final Backoff backoff;
    private final AtomicLong connects = new AtomicLong();
    private final Outbox outbox = new Outbox();
    private final DropLog drops = new DropLog();
    private volatile MqttAsyncClient client;
    private volatile State state = State.NEW;
    private Context context;
    private List<Subscription> subscriptions = List.of();
    private Runnable onConnected;
    private Consumer<IncomingMessage> messages;

    /**
     * Creates the connection; {@link #start} connects.
     *
     * @param offlineStatus the last-will payload (retained on the status topic); it must hold nothing that goes stale
     */
    public MqttConnection(Vertx vertx, GatewayConfig config, Topics topics, byte[] offlineStatus) {
        this.vertx = vertx;
        this.config = config;
        this.topics = topics;
        this.offlineStatus = offlineStatus;
        this.backoff = new Backoff(config.mqtt().reconnectMinMs(), config.mqtt().reconnectMaxMs());
    }

    /**
     * Starts connecting (and keeps reconnecting until {@link #close}); the future completes after
     * the first connect and subscription.
     *
     * @param context       where every callback runs
     * @param subscriptions made after every connect
     * @param onConnected   run after every connect, once subscribed (publishes the retained online status and state)
     * @param messages      receives every message on the subscriptions
     */
    @Override
    public Future<Void> start(Context context, List<Subscription> subscriptions, Runnable onConnected, Consumer<IncomingMessage> messages) {
        this.context = context;
        this.subscriptions = List.copyOf(subscriptions);
        this.onConnected = onConnected;
        this.messages = messages;
        state = State.CONNECTING;
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> attempt(first));
        return first.future();
    }

    /** Where the connection is now. */
    public State state() {
        return state;
    }

    /** Whether the broker connection is up and the subscriptions acknowledged. */
    @Override
    public boolean isReady() {
        return state == State.READY;
    }

    /** Number of successful connects so far (1 + reconnects). */
    @Override
    public long connects() {
        return connects.get();
    }

    private boolean connected() {
        return state == State.CONNECTED || state == State.READY;
    }

    private void attempt(Promise<Void> first) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            MqttAsyncClient fresh = new MqttAsyncClient(serverUri(), config.clientId(), new MemoryPersistence());
            fresh.setCallback(new Callback(fresh, first));
            client = fresh;
            fresh.connect(PahoOptions.of(config, topics.status(), offlineStatus), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    // connectComplete of the callback does the rest.
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    context.runOnContext(v -> retry(fresh, "connect to " + serverUri() + " failed: " + message(e)));
                }
            });
        } catch (Exception e) {
            retry(client, "cannot create MQTT client: " + message(e));
        }
    }

    private void retry(MqttAsyncClient failed, String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        int lost = outbox.clear();
        long delay = backoff.next();
        LOG.warn("mqtt: {}; retrying in {} ms{}", why, delay, lost == 0 ? ""
                : " (" + lost + " QoS 1 messages that waited for the broker dropped; the retained state is published again on connect)");
        discard(failed);
        vertx.setTimer(delay, t -> attempt(null));
    }

    private void onConnected(MqttAsyncClient c, Promise<Void> first) {
        if (c != client || state == State.CLOSED) {
            return;
        }
        state = State.CONNECTED;
        backoff.reset();
        connects.incrementAndGet();
        LOG.info("mqtt: connected to {} as {} (connect #{})", serverUri(), config.clientId(), connects.get());
        MqttSubscription[] wanted = subscriptions.stream().map(w -> {
            MqttSubscription sub = new MqttSubscription(w.filter(), w.qos());
            sub.setRetainAsPublished(w.retainAsPublished());
            return sub;
        }).toArray(MqttSubscription[]::new);
        String filters = String.join(", ", subscriptions.stream().map(Subscription::filter).toList());
        try {
            c.subscribe(wanted, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    context.runOnContext(v -> {
                        if (c != client || state != State.CONNECTED) {
                            return;
                        }
                        state = State.READY;
                        LOG.info("mqtt: subscribed to {}", filters);
                        // Online only once frames can be taken: a camera that waits for it loses nothing.
                        onConnected.run();
                        if (first != null) {
                            first.tryComplete();
                        }
                    });
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    context.runOnContext(v -> retry(c, "subscribe to " + filters + " failed: " + message(e)));
                }
            }, new MqttProperties());
        } catch (MqttException e) {
            retry(c, "subscribe failed: " + message(e));
        }
    }

    /**
     * Publishes without blocking; returns false when not connected or when the message is dropped
     * (a full outbox, a topic Paho finds invalid: counted and warned about); nothing is thrown.
     */
    @Override
    public boolean publish(OutgoingMessage m) {
        MqttAsyncClient c = client;
        if (c == null || !connected()) {
            return false;
        }
        MqttMessage message = PahoMessages.toPaho(m);
        // A QoS 1 or 2 message that finds the broker's in-flight window full waits in the outbox, in order, and goes out as
        // acknowledgements come back; only a full outbox drops one.
        if (m.qos() > 0 && outbox.waiting()) {
            boolean kept = outbox.offer(m.topic(), message);
            drainOutbox();
            return kept || dropped(m.topic(), Outbox.FULL);
        }
        try {
            c.publish(m.topic(), message);
            return true;
        } catch (MqttException e) {
            if (m.qos() > 0 && e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                return outbox.offer(m.topic(), message) || dropped(m.topic(), Outbox.FULL);
            }
            return dropped(m.topic(), message(e));
        } catch (RuntimeException e) {
            return dropped(m.topic(), message(e));
        }
    }

    /** Sends what waits in the outbox while the broker's window has room; one drain at a time, so no message goes out twice. */
    private void drainOutbox() {
        synchronized (outbox) {
            drainHeld();
        }
    }

    private void drainHeld() {
        MqttAsyncClient c = client;
        Optional<Outbox.Pending> next;
        while (c != null && connected() && (next = outbox.peek()).isPresent()) {
            try {
                c.publish(next.get().topic(), next.get().message());
                outbox.sent();
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    outbox.sent();
                    dropped(next.get().topic(), message(e));
                }
                return;
            } catch (RuntimeException e) {
                outbox.sent();
                dropped(next.get().topic(), message(e));
            }
        }
    }

    /** A message that did not go out: counted and logged. Always false. */
    private boolean dropped(String topic, String why) {
        drops.dropped(topic, why);
        return false;
    }

    /**
     * Unsubscribes from {@code filter} (one of the subscriptions: the frames, at a stop) and no
     * longer makes it on a reconnect; keeps the connection for the last publications.
     */
    @Override
    public Future<Void> unsubscribe(String filter) {
        subscriptions = subscriptions.stream().filter(w -> !w.filter().equals(filter)).toList();
        MqttAsyncClient c = client;
        if (c == null || !connected()) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        try {
            c.unsubscribe(filter, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    done.tryComplete();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    done.tryComplete();
                }
            });
        } catch (MqttException e) {
            done.tryComplete();
        }
        return done.future();
    }

    /** Publishes {@code finalStatus} (retained), disconnects cleanly and stops reconnecting. */
    @Override
    public Future<Void> close(byte[] finalStatus) {
        state = State.CLOSED;
        MqttAsyncClient c = client;
        if (c == null) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            try {
                if (c.isConnected()) {
                    c.publish(topics.status(), new MqttMessage(finalStatus, 1, true, new MqttProperties())).waitForCompletion(2000);
                    c.disconnect(2000).waitForCompletion(3000);
                }
            } catch (MqttException e) {
                LOG.warn("mqtt: clean disconnect failed: {}", message(e));
            }
            closeQuietly(c);
            return null;
        }, false);
    }

    private String serverUri() {
        return PahoOptions.serverUri(config.mqtt());
    }

    private void discard(MqttAsyncClient c) {
        if (c == null) {
            return;
        }
        vertx.executeBlocking(() -> {
            try {
                c.disconnectForcibly(0, 0, false);
            } catch (MqttException ignored) {
                // already gone
            }
            closeQuietly(c);
            return null;
        }, false);
    }

    private static void closeQuietly(MqttAsyncClient c) {
        try {
            c.close(true);
        } catch (MqttException ignored) {
            // nothing left to release
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Paho callbacks: copy, hand to the Vert.x context, return at once. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;
        private final Promise<Void> first;

        Callback(MqttAsyncClient owner, Promise<Void> first) {
            this.owner = owner;
            this.first = first;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            context.runOnContext(v -> {
                if (owner == client) {
                    retry(owner, "connection lost: " + response.getReasonString());
                }
            });
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.warn("mqtt: client error: {}", message(e));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            IncomingMessage in = PahoMessages.fromPaho(topic, message, System.nanoTime());
            context.runOnContext(v -> messages.accept(in));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // An acknowledgement frees the in-flight window: what waits goes out, from the gateway's context (never from Paho's thread).
            if (outbox.waiting()) {
                context.runOnContext(v -> drainOutbox());
            }
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            context.runOnContext(v -> onConnected(owner, first));
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // No enhanced authentication.
        }
    }
}
