package io.hastegw.daemon.mqtt;

import io.hastegw.daemon.config.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one MQTT 5 connection (Eclipse Paho). It works around Paho 1.2.5's known
 * problems (GATEWAY.md): Paho's automatic reconnect is off and this class reconnects itself with
 * exponential backoff, also when the first connect fails, building a fresh client for every
 * attempt; subscriptions are made again after every connect, from the Vert.x context, never
 * inside a Paho callback; frames are taken through the global callback (shared subscriptions
 * never reach per-subscription listeners) and handed to the Vert.x context at once, so Paho's
 * threads never block. The retained status topic says {@code online} after each connect; the
 * last will says {@code offline}.
 */
public final class MqttConnection implements MessagePublisher {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final Vertx vertx;
    private final Context context;
    private final GatewayConfig config;
    private final Topics topics;
    private final byte[] offlineStatus;
    private final Runnable onConnected;
    private final Consumer<IncomingMessage> frames;
    private final AtomicLong connects = new AtomicLong();
    private volatile MqttAsyncClient client;
    private volatile boolean connected;
    private volatile boolean subscribed;
    private volatile boolean closing;
    private long backoffMs;
    private final Outbox outbox = new Outbox();
    private final AtomicLong droppedMessages = new AtomicLong();
    private final AtomicLong lastDropWarning = new AtomicLong(System.nanoTime() - 20_000_000_000L);

    /**
     * Creates the connection; {@link #start()} connects.
     *
     * @param offlineStatus the last-will payload (retained on the status topic); it must hold nothing that goes stale
     * @param onConnected   run on {@code context} after every connect, once subscribed (publishes the retained online status and state)
     * @param frames        receives every message on the frame and control subscriptions, on {@code context}
     */
    public MqttConnection(Vertx vertx, Context context, GatewayConfig config, Topics topics, byte[] offlineStatus,
                          Runnable onConnected, Consumer<IncomingMessage> frames) {
        this.vertx = vertx;
        this.context = context;
        this.config = config;
        this.topics = topics;
        this.offlineStatus = offlineStatus;
        this.onConnected = onConnected;
        this.frames = frames;
        this.backoffMs = config.mqtt().reconnectMinMs();
    }

    /** Starts connecting (and keeps reconnecting until {@link #close}); the future completes after the first connect. */
    public Future<Void> start() {
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> attempt(first));
        return first.future();
    }

    /** Whether the broker connection is up and the frame subscription acknowledged. */
    public boolean isReady() {
        return connected && subscribed;
    }

    /** Number of successful connects so far (1 + reconnects). */
    public long connects() {
        return connects.get();
    }

    private void attempt(Promise<Void> first) {
        if (closing) {
            return;
        }
        try {
            MqttAsyncClient fresh = new MqttAsyncClient(serverUri(), config.clientId(), new MemoryPersistence());
            fresh.setCallback(new Callback(fresh, first));
            client = fresh;
            fresh.connect(options(), null, new MqttActionListener() {
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
        connected = false;
        subscribed = false;
        if (closing) {
            return;
        }
        int lost = outbox.clear();
        LOG.warn("mqtt: {}; retrying in {} ms{}", why, backoffMs, lost == 0 ? ""
                : " (" + lost + " QoS 1 messages that waited for the broker dropped; the retained state is published again on connect)");
        discard(failed);
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, config.mqtt().reconnectMaxMs());
        vertx.setTimer(delay, t -> attempt(null));
    }

    private void onConnected(MqttAsyncClient c, Promise<Void> first) {
        if (c != client || closing) {
            return;
        }
        connected = true;
        backoffMs = config.mqtt().reconnectMinMs();
        connects.incrementAndGet();
        LOG.info("mqtt: connected to {} as {} (connect #{})", serverUri(), config.clientId(), connects.get());
        try {
            String[] control = topics.controlFilters();
            MqttSubscription[] subscriptions = new MqttSubscription[control.length + 1];
            subscriptions[0] = new MqttSubscription(topics.frameSubscription(), config.mqtt().qos());
            for (int i = 0; i < control.length; i++) {
                // Retain As Published: a retained command reaches us with its retain flag even when delivered live, so it is refused.
                subscriptions[i + 1] = new MqttSubscription(control[i], 1);
                subscriptions[i + 1].setRetainAsPublished(true);
            }
            c.subscribe(subscriptions, null,
                    new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    context.runOnContext(v -> {
                        subscribed = true;
                        LOG.info("mqtt: subscribed to {} and {}", topics.frameSubscription(), String.join(", ", control));
                        // Online only once frames can be taken: a camera that waits for it loses nothing.
                        onConnected.run();
                        if (first != null) {
                            first.tryComplete();
                        }
                    });
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    context.runOnContext(v -> retry(c, "subscribe to " + topics.frameSubscription() + " failed: " + message(e)));
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
        if (c == null || !connected) {
            return false;
        }
        MqttProperties properties = new MqttProperties();
        if (m.contentType() != null) {
            properties.setContentType(m.contentType());
        }
        if (m.correlationData() != null) {
            properties.setCorrelationData(m.correlationData());
        }
        if (!m.userProperties().isEmpty()) {
            properties.setUserProperties(m.userProperties().entrySet().stream().map(e -> new UserProperty(e.getKey(), e.getValue())).toList());
        }
        MqttMessage message = new MqttMessage(m.payload(), m.qos(), m.retained(), properties);
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
        while (c != null && connected && (next = outbox.peek()).isPresent()) {
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

    /** A message that did not go out: counted and logged (at most one warning every 10 s, with the count since). Always false. */
    private boolean dropped(String topic, String why) {
        long n = droppedMessages.incrementAndGet();
        long now = System.nanoTime();
        long last = lastDropWarning.get();
        if (now - last > 10_000_000_000L && lastDropWarning.compareAndSet(last, now)) {
            LOG.warn("mqtt: publish to {} dropped: {} ({} dropped since start)", abbreviated(topic), why, n);
        } else {
            LOG.debug("mqtt: publish to {} dropped: {}", abbreviated(topic), why);
        }
        return false;
    }

    /** A topic shortened for log lines (camera ids come from outside and may be very long). */
    static String abbreviated(String topic) {
        return topic.length() <= 200 ? topic : topic.substring(0, 200) + "... (" + topic.length() + " characters)";
    }

    /** Stops taking frames (unsubscribes), keeps the connection for the last publications. */
    public Future<Void> stopIntake() {
        MqttAsyncClient c = client;
        subscribed = false;
        if (c == null || !connected) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        try {
            c.unsubscribe(topics.frameSubscription(), null, new MqttActionListener() {
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
    public Future<Void> close(byte[] finalStatus) {
        closing = true;
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
            connected = false;
            return null;
        }, false);
    }

    /** The MQTT 5 maximum packet size asked of the broker: twice the payload limit plus room for topic and properties. */
    public static long maximumPacketSize(int maxPayloadBytes) {
        return 2L * maxPayloadBytes + (256 << 10);
    }

    private String serverUri() {
        return (config.mqtt().tls().enabled() ? "ssl://" : "tcp://") + config.mqtt().host() + ":" + config.mqtt().port();
    }

    private MqttConnectionOptions options() throws Exception {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(config.mqtt().keepAliveSeconds());
        o.setConnectionTimeout(10);
        if (config.mqtt().username() != null) {
            o.setUserName(config.mqtt().username());
        }
        if (config.mqtt().password() != null) {
            o.setPassword(config.mqtt().password().getBytes(StandardCharsets.UTF_8));
        }
        o.setSocketFactory(config.mqtt().tls().enabled() ? NoDelaySockets.tls(TlsSockets.factory(config.mqtt().tls())) : NoDelaySockets.plain());
        o.setWill(topics.status(), new MqttMessage(offlineStatus, 1, true, new MqttProperties()));
        // The broker discards larger packets instead of sending them: a hostile publisher cannot make Paho buffer
        // a message of hundreds of MB. Up to this size a too-large frame still gets its payload_too_large error.
        o.setMaximumPacketSize(maximumPacketSize(config.pipeline().maxPayloadBytes()));
        return o;
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
            long now = System.nanoTime();
            MqttProperties p = message.getProperties();
            Map<String, String> user = new HashMap<>();
            String contentType = null;
            byte[] correlation = null;
            String responseTopic = null;
            if (p != null) {
                if (p.getUserProperties() != null) {
                    for (UserProperty u : p.getUserProperties()) {
                        user.put(u.getKey(), u.getValue());
                    }
                }
                contentType = p.getContentType();
                correlation = p.getCorrelationData();
                responseTopic = p.getResponseTopic();
            }
            IncomingMessage in = new IncomingMessage(topic, message.getPayload(), contentType, correlation, user, responseTopic,
                    message.isRetained(), now);
            context.runOnContext(v -> frames.accept(in));
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
