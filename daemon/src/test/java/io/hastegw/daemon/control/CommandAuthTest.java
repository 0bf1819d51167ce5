package io.hastegw.daemon.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The signature check on a simulated clock (the MQTT path is in ControlV2Test). */
class CommandAuthTest {
    private static final byte[] KEY = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
    private static final String TOPIC = "haste/gw/control/set";
    private static final byte[] PAYLOAD = "{\"level\": 3}".getBytes(StandardCharsets.UTF_8);

    private static Map<String, String> signed(long ts, String nonce, byte[] payload) {
        return Map.of(CommandAuth.TIMESTAMP, Long.toString(ts), CommandAuth.NONCE, nonce, CommandAuth.MAC,
                CommandAuth.sign(KEY, TOPIC, ts, nonce, payload));
    }

    @Test
    void aValidCommandPassesOnceAndItsReplayIsRefused() {
        CommandAuth auth = new CommandAuth(KEY, 30_000, 0);
        assertEquals(Optional.empty(), auth.refusal(TOPIC, PAYLOAD, signed(1_000_000, "nonce-0001", PAYLOAD), 1_005_000));
        assertEquals(Optional.of("replayed command refused: nonce 'nonce-0001' was already used"),
                auth.refusal(TOPIC, PAYLOAD, signed(1_000_000, "nonce-0001", PAYLOAD), 1_006_000));
    }

    @Test
    void theSignatureCoversTopicAndPayload() {
        CommandAuth auth = new CommandAuth(KEY, 30_000, 0);
        Map<String, String> props = signed(1_000_000, "nonce-0002", PAYLOAD);
        assertTrue(auth.refusal(TOPIC, "{\"level\": 8}".getBytes(StandardCharsets.UTF_8), props, 1_000_000).orElseThrow()
                .startsWith("forged command refused"));
        assertTrue(auth.refusal("haste/other/control/set", PAYLOAD, props, 1_000_000).orElseThrow().startsWith("forged command refused"));
    }

    @Test
    void timestampsOutsideTheWindowAreExpiredEitherWay() {
        CommandAuth auth = new CommandAuth(KEY, 30_000, 0);
        assertEquals(Optional.of("expired command refused: its timestamp is 31 s behind this gateway's clock, more than 30 s"),
                auth.refusal(TOPIC, PAYLOAD, signed(1_000_000, "nonce-0003", PAYLOAD), 1_031_000));
        assertEquals(Optional.of("expired command refused: its timestamp is 31 s ahead of this gateway's clock, more than 30 s"),
                auth.refusal(TOPIC, PAYLOAD, signed(1_031_000, "nonce-0004", PAYLOAD), 1_000_000));
    }

    @Test
    void malformedPropertiesAreRefusedBeforeAnyMac() {
        CommandAuth auth = new CommandAuth(KEY, 30_000, 0);
        Map<String, String> bad = Map.of(CommandAuth.TIMESTAMP, "yesterday", CommandAuth.NONCE, "n", CommandAuth.MAC, "zz");
        assertTrue(auth.refusal(TOPIC, PAYLOAD, bad, 0).orElseThrow().startsWith("malformed signature refused"));
        assertTrue(auth.refusal(TOPIC, PAYLOAD, Map.of(), 0).orElseThrow().startsWith("unsigned command refused"));
    }

    @Test
    void aTextKeyFileLosesItsNewlineAndABinaryOneIsTakenByteForByte() {
        assertArrayEquals(KEY, CommandAuth.keyFromFile("0123456789abcdef0123\n".getBytes(StandardCharsets.UTF_8)));
        byte[] binary = {(byte) 0xff, 0x0a, 0x00, (byte) 0x80, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x0a};
        assertArrayEquals(binary, CommandAuth.keyFromFile(binary));
    }

    @Test
    void aCommandSignedBeforeTheGatewayStartedIsARefusedReplay() {
        CommandAuth restarted = new CommandAuth(KEY, 30_000, 1_005_000);
        assertEquals(Optional.of("replayed command refused: it was signed 5 s before this gateway started, so its nonce cannot be checked; "
                + "sign it again"), restarted.refusal(TOPIC, PAYLOAD, signed(1_000_000, "nonce-0005", PAYLOAD), 1_010_000));
        assertEquals(Optional.empty(), restarted.refusal(TOPIC, PAYLOAD, signed(1_006_000, "nonce-0006", PAYLOAD), 1_010_000));
    }

    @Test
    void aShortKeyIsRefused() {
        assertEquals("the HMAC key must be at least 16 bytes (got 5)",
                assertThrows(IllegalArgumentException.class, () -> new CommandAuth(new byte[5], 1000, 0)).getMessage());
    }
}
