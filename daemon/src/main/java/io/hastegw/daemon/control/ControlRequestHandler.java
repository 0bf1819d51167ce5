package io.hastegw.daemon.control;

import io.hastegw.daemon.messages.Messages;
import io.hastegw.daemon.mqtt.IncomingMessage;
import io.hastegw.daemon.mqtt.OutgoingMessage;
import io.hastegw.daemon.mqtt.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control protocol (docs/mqtt-api.md): v2 {@code control/set} and {@code control/get}, v1
 * {@code control/level/set}. A command goes in and its reply comes out; the gateway publishes the
 * reply (as Kura's request handlers do). Retained commands and, when an HMAC key is configured,
 * commands that fail its check are refused, never applied. The reply goes to the request's
 * response topic (when it is under the reply prefix) with its correlation data; v2 replies go to
 * {@code control/ack} when there is no response topic. Called on the gateway's event loop.
 */
public final class ControlRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ControlRequestHandler.class);

    /** What a command does besides its reply. The gateway implements it. */
    public interface Effects {
        /** A refused command: an {@code invalid_command} error event about {@code source}; returns the event's payload. */
        byte[] refused(String message, String source);

        /** Accepted settings from {@code source}: put in force, published, saved. */
        void apply(ControlSettings settings, String source);
    }

    private final Topics topics;
    private final Messages messages;
    private final ControlPlane plane;
    private final String modelName;
    private final Effects effects;

    /**
     * @param plane     the compression control, its state and its command authentication
     * @param modelName the model's name, in v1 level replies
     * @param effects   what refusals and accepted settings do
     */
    public ControlRequestHandler(Topics topics, Messages messages, ControlPlane plane, String modelName, Effects effects) {
        this.topics = topics;
        this.messages = messages;
        this.plane = plane;
        this.modelName = modelName;
        this.effects = effects;
    }

    /** Handles a command received on a control topic; returns its reply, or empty when none is due. */
    public Optional<OutgoingMessage> handle(IncomingMessage m) {
        Optional<String> badReply = topics.replyRefusal(m.responseTopic());
        if (badReply.isPresent()) {
            effects.refused(badReply.get(), m.topic());
            return Optional.empty();
        }
        boolean v2 = m.topic().equals(topics.controlSet()) || m.topic().equals(topics.controlGet());
        byte[] answer = answer(m, v2);
        if (m.responseTopic() != null) {
            return Optional.of(OutgoingMessage.json(m.responseTopic(), answer, 1, false).correlated(m.correlationData()));
        }
        return v2 ? Optional.of(OutgoingMessage.json(topics.controlAck(), answer, 1, false)) : Optional.empty();
    }

    private byte[] answer(IncomingMessage m, boolean v2) {
        AdaptiveControl control = plane.control();
        Optional<String> refusal = refusal(m);
        if (refusal.isPresent()) {
            LOG.warn("control: command on {} refused: {}", m.topic(), refusal.get());
            byte[] error = effects.refused(refusal.get(), m.topic());
            return v2 ? messages.controlAck(m.topic(), false, List.of(refusal.get()), plane.state()) : error;
        }
        if (m.topic().equals(topics.controlGet())) {
            return messages.controlAck(m.topic(), true, List.of(), plane.state());
        }
        if (m.topic().equals(topics.controlSet())) {
            return set(m.payload(), m.topic());
        }
        if (m.topic().equals(topics.levelSet())) {
            ControlCommands.Parsed parsed = ControlCommands.level(new String(m.payload(), StandardCharsets.UTF_8), control.settings(),
                    control.levels());
            if (!parsed.accepted()) {
                return effects.refused(String.join("; ", parsed.errors()), m.topic());
            }
            effects.apply(parsed.settings(), m.topic());
            return messages.level(control.getAsInt(), control.levels(), modelName);
        }
        return effects.refused("unknown command topic '" + m.topic() + "'; known: " + topics.controlSet() + ", " + topics.controlGet()
                + ", " + topics.levelSet(), m.topic());
    }

    /**
     * Why command {@code m} is refused before it is read, or empty: it was published retained, or it fails the HMAC
     * check when commands must be signed. Every command topic (control and plugin commands) is checked so.
     */
    public Optional<String> refusal(IncomingMessage m) {
        return m.retained() ? Optional.of("control command published with the retain flag refused: a retained command "
                + "would be applied again on every reconnect and restart; publish it without retain, and clear the retained one with an "
                + "empty retained message on " + m.topic())
                : plane.auth().flatMap(a -> a.refusal(m.topic(), m.payload(), m.userProperties(), System.currentTimeMillis()));
    }

    /**
     * A control v2 {@code set} command ({@code haste.control.set/1}) from {@code source} (its topic,
     * or the console): validated, put in force when valid, else refused; returns the ack
     * ({@code haste.control.ack/1}).
     */
    public byte[] set(byte[] payload, String source) {
        AdaptiveControl control = plane.control();
        ControlCommands.Parsed parsed = ControlCommands.set(payload, control.settings(), control.levels(), control.policies());
        if (parsed.accepted()) {
            effects.apply(parsed.settings(), source);
            return messages.controlAck(topics.controlSet(), true, List.of(), plane.state());
        }
        effects.refused("command refused, settings unchanged: " + String.join("; ", parsed.errors()), source);
        return messages.controlAck(topics.controlSet(), false, parsed.errors(), plane.state());
    }
}
