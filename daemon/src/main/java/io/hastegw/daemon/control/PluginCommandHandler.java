package io.hastegw.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import io.hastegw.daemon.plugin.PluginStatus;
import io.hastegw.daemon.plugin.PluginSwitch;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plugin commands ({@code haste/<gateway_id>/control/plugins/set}, {@code haste.plugin.command/1}: enable, disable or
 * reload one plugin while the gateway runs). Checked as every control command is (retained or unsigned refused), read
 * on the event loop, carried out on a worker (a plugin's stop and start may take seconds), answered
 * ({@code haste.plugin.ack/1}) on the request's response topic or {@code control/plugins/ack}; a refusal is also an
 * {@code invalid_command} error event.
 */
public final class PluginCommandHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCommandHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "haste.plugin.command/1";
    private static final Set<String> FIELDS = Set.of("schema", "plugin", "action");

    private final Topics topics;
    private final Messages messages;
    private final Function<IncomingMessage, Optional<String>> refusal;
    private final BiFunction<String, String, byte[]> refusedEvent;
    private final PluginSwitch plugins;
    private final Vertx vertx;
    private final Consumer<OutgoingMessage> publish;

    /**
     * @param refusal      why a command is refused before it is read (retained, unsigned: {@link ControlRequestHandler#refusal})
     * @param refusedEvent publishes an {@code invalid_command} error event (message, source topic)
     * @param publish      sends the answer
     */
    public PluginCommandHandler(Topics topics, Messages messages, Function<IncomingMessage, Optional<String>> refusal,
                                BiFunction<String, String, byte[]> refusedEvent, PluginSwitch plugins, Vertx vertx, Consumer<OutgoingMessage> publish) {
        this.topics = topics;
        this.messages = messages;
        this.refusal = refusal;
        this.refusedEvent = refusedEvent;
        this.plugins = plugins;
        this.vertx = vertx;
        this.publish = publish;
    }

    /** A command read from its payload. */
    private record Command(String plugin, PluginSwitch.Action action) {}

    /** Handles a plugin command received on the event loop; its answer is published when it is done. */
    public void handle(IncomingMessage m) {
        Optional<String> badReply = topics.replyRefusal(m.responseTopic());
        if (badReply.isPresent()) {
            refusedEvent.apply(badReply.get(), m.topic());
            return;
        }
        List<String> errors = new ArrayList<>();
        refusal.apply(m).ifPresent(errors::add);
        Command c = errors.isEmpty() ? read(m.payload(), errors) : null;
        if (c == null) {
            refuse(m, null, null, errors, null);
            return;
        }
        vertx.executeBlocking(() -> plugins.run(c.action(), c.plugin(), m.topic()), true).onComplete(done -> {
            if (done.succeeded()) {
                answer(m, messages.pluginAck(c.plugin(), c.action().wire(), true, List.of(), done.result().json()));
            } else {
                refuse(m, c.plugin(), c.action().wire(), List.of(message(done.cause())), plugins.status(c.plugin()).map(PluginStatus::json).orElse(null));
            }
        });
    }

    private static String message(Throwable t) {
        return t instanceof PluginSwitch.Refused ? t.getMessage() : "the command failed: " + t;
    }

    private void refuse(IncomingMessage m, String plugin, String action, List<String> errors, Map<String, Object> status) {
        String text = "plugin command refused: " + String.join("; ", errors);
        LOG.warn("{} (from {})", text, m.topic());
        refusedEvent.apply(text, m.topic());
        answer(m, messages.pluginAck(plugin, action, false, errors, status));
    }

    private void answer(IncomingMessage m, byte[] ack) {
        publish.accept(m.responseTopic() != null ? OutgoingMessage.json(m.responseTopic(), ack, 1, false).correlated(m.correlationData())
                : OutgoingMessage.json(topics.pluginsAck(), ack, 1, false));
    }

    /** The command in {@code payload}, or null with every problem added to {@code errors}. */
    private static Command read(byte[] payload, List<String> errors) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            errors.add("not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            return null;
        }
        if (root == null || !root.isObject()) {
            errors.add("a plugin command is a JSON object: {\"plugin\": \"<id>\", \"action\": \"enable|disable|reload\"}");
            return null;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add("unknown field '" + name + "'; known: schema, plugin, action");
            }
        }
        JsonNode schema = root.get("schema");
        if (schema != null && !SCHEMA.equals(schema.asText(null))) {
            errors.add("schema must be " + SCHEMA + " (got " + schema + ")");
        }
        JsonNode plugin = root.get("plugin");
        if (plugin == null || !plugin.isTextual() || plugin.asText().isBlank()) {
            errors.add("plugin must be a plugin id (a string)");
        }
        JsonNode action = root.get("action");
        Optional<PluginSwitch.Action> a = action != null && action.isTextual() ? PluginSwitch.Action.of(action.asText()) : Optional.empty();
        if (a.isEmpty()) {
            errors.add("action must be one of enable, disable, reload (got " + action + ")");
        }
        return errors.isEmpty() ? new Command(plugin.asText(), a.get()) : null;
    }
}
