package io.hastegw.daemon.control;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Optional authorisation of control commands on top of the broker's ACL: each command carries,
 * as MQTT 5 user properties, a timestamp ({@code x-haste-ts}, Unix milliseconds), a nonce
 * ({@code x-haste-nonce}, 8 to 64 characters of A-Z a-z 0-9 _ -) and {@code x-haste-hmac}, the
 * lower-case hex HMAC-SHA256 under the shared key of {@code topic \n timestamp \n nonce \n
 * payload}. A command is refused when a property is missing, the MAC does not match (forged, or
 * altered on the way), the timestamp is further than the window from this gateway's clock
 * (expired), its nonce was seen within the window (replayed), or it was signed before this
 * gateway started (the nonces of the previous run are gone, so such a command is treated as a
 * replay: whoever means it signs it again). The nonce cache holds nonces for twice the window and
 * is bounded; confined to the gateway's event loop.
 */
public final class CommandAuth {
    /** User property of the timestamp. */
    public static final String TIMESTAMP = "x-haste-ts";
    /** User property of the nonce. */
    public static final String NONCE = "x-haste-nonce";
    /** User property of the MAC. */
    public static final String MAC = "x-haste-hmac";
    /** Most nonces remembered; beyond it signed commands are refused until old nonces expire. */
    public static final int MAX_NONCES = 10_000;

    private final byte[] key;
    private final long windowMillis;
    private final long notBeforeMillis;
    private final LinkedHashMap<String, Long> nonces = new LinkedHashMap<>();

    /**
     * @param key             the shared secret (at least 16 bytes)
     * @param windowMillis    how far a timestamp may be from the gateway's clock
     * @param notBeforeMillis commands signed before this time are refused (the gateway's start: earlier nonces are not known)
     */
    public CommandAuth(byte[] key, long windowMillis, long notBeforeMillis) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the HMAC key must be at least 16 bytes (got " + key.length + ")");
        }
        this.key = key.clone();
        this.windowMillis = windowMillis;
        this.notBeforeMillis = notBeforeMillis;
    }

    /**
     * The key held in a key file's bytes: a file that is UTF-8 text is a text key, its surrounding
     * whitespace (a trailing newline) stripped; any other file (e.g. {@code head -c 32 /dev/urandom})
     * is a binary key, taken byte for byte.
     */
    public static byte[] keyFromFile(byte[] file) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file)).toString();
            return text.strip().getBytes(StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            return file.clone();
        }
    }

    /** The MAC of a command, as a client computes it. */
    public static String sign(byte[] key, String topic, long timestampMillis, String nonce, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((topic + "\n" + timestampMillis + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * Why the command is refused, or empty when it is authentic, fresh and new (its nonce is then
     * remembered).
     */
    public Optional<String> refusal(String topic, byte[] payload, Map<String, String> properties, long nowMillis) {
        String ts = properties.get(TIMESTAMP);
        String nonce = properties.get(NONCE);
        String mac = properties.get(MAC);
        if (ts == null || nonce == null || mac == null) {
            return Optional.of("unsigned command refused: control commands must carry the user properties " + TIMESTAMP + ", " + NONCE
                    + " and " + MAC + " (control.hmac_key_file is set)");
        }
        if (!ts.matches("\\d{1,15}") || !nonce.matches("[A-Za-z0-9_-]{8,64}") || !mac.matches("[0-9a-f]{64}")) {
            return Optional.of("malformed signature refused: " + TIMESTAMP + " is Unix milliseconds, " + NONCE
                    + " 8-64 characters of A-Z a-z 0-9 _ -, " + MAC + " 64 lower-case hex digits");
        }
        long timestamp = Long.parseLong(ts);
        byte[] expected = sign(key, topic, timestamp, nonce, payload).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("forged command refused: the HMAC does not match (wrong key, or the topic, timestamp, nonce or payload changed)");
        }
        if (Math.abs(nowMillis - timestamp) > windowMillis) {
            long seconds = Math.abs(nowMillis - timestamp) / 1000;
            return Optional.of("expired command refused: its timestamp is " + seconds + " s " + (timestamp > nowMillis ? "ahead of" : "behind")
                    + " this gateway's clock, more than " + windowMillis / 1000 + " s");
        }
        if (timestamp < notBeforeMillis) {
            return Optional.of("replayed command refused: it was signed " + (notBeforeMillis - timestamp) / 1000 + " s before this gateway "
                    + "started, so its nonce cannot be checked; sign it again");
        }
        expire(nowMillis);
        if (nonces.containsKey(nonce)) {
            return Optional.of("replayed command refused: nonce '" + nonce + "' was already used");
        }
        if (nonces.size() >= MAX_NONCES) {
            return Optional.of("command refused: " + MAX_NONCES + " signed commands within " + 2 * windowMillis / 1000 + " s; wait");
        }
        nonces.put(nonce, timestamp);
        return Optional.empty();
    }

    /** Forgets nonces whose timestamp lies further back than twice the window (a replay of them is expired anyway). */
    private void expire(long nowMillis) {
        for (Iterator<Map.Entry<String, Long>> it = nonces.entrySet().iterator(); it.hasNext(); ) {
            if (nowMillis - it.next().getValue() > 2 * windowMillis) {
                it.remove();
            }
        }
    }
}
