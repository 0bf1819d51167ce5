package io.hastegw.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Control v2 commands are read strictly: what is applied is exactly the one object that was sent (and signed). */
class ControlCommandsTest {
    private static final ControlSettings CURRENT = new ControlSettings("auto", 0, 0, 7, "latency", 30, 80, true);

    private static ControlCommands.Parsed set(byte[] payload) {
        return ControlCommands.set(payload, CURRENT, 8, Set.of("latency", "cpu"));
    }

    private static ControlCommands.Parsed set(String payload) {
        return set(payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidCommandIsApplied() {
        ControlCommands.Parsed p = set("{\"mode\": \"fixed\", \"level\": 3}");
        assertEquals(List.of(), p.errors());
        assertEquals("fixed", p.settings().mode());
        assertEquals(3, p.settings().level());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"mode\":\"off\"}{\"mode\":\"auto\"}|content after the JSON object is refused: send one object per command",
        "{\"mode\":\"fixed\"} xyz|content after the JSON object is refused: send one object per command",
        "{\"mode\":\"fixed\",\"mode\":\"auto\"}|a field given twice is refused: Duplicate field 'mode'",
    })
    void anythingBesidesOneObjectWithEachFieldOnceIsRefused(String payload, String error) {
        ControlCommands.Parsed p = set(payload);
        assertNull(p.settings());
        assertEquals(List.of(error), p.errors());
    }

    @Test
    void aByteOrderMarkIsRefused() {
        byte[] json = "{\"mode\":\"fixed\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, bom, 3, json.length);
        assertEquals(List.of("a byte order mark before the JSON is refused: send the object's bytes alone"), set(bom).errors());
    }
}
