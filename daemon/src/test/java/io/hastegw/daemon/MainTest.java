package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The command line: help, usage errors, --print-config, a bad configuration; in-process, no broker, no model. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.start(args, Map.of(), new PrintStream(out, true), new PrintStream(err, true), new AtomicReference<>());
    }

    @Test
    void helpListsTheOptionsAndTheSubcommand() {
        assertEquals(0, run("--help"));
        String text = out.toString();
        assertTrue(text.startsWith("Usage: haste-gateway"), text);
        for (String s : new String[] {"--config=FILE", "--set=key=value", "--print-config", "list-plugins", "HASTE_GATEWAY_MQTT__PORT"}) {
            assertTrue(text.contains(s), s + " in " + text);
        }
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithStatus2() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString().startsWith("haste-gateway: Unknown option: '--bogus'\nUsage: haste-gateway"), err.toString());
    }

    @Test
    void printConfigPrintsTheEffectiveConfigurationWithSecretsMasked() {
        assertEquals(0, run("--set", "gateway_id=cli-test", "--set", "mqtt.host=broker.example", "--set", "mqtt.password=hunter2",
                "--set", "model.path=m.onnx", "--set", "model.card=m.json", "--print-config"));
        String text = out.toString();
        assertTrue(text.contains("\"gateway_id\" : \"cli-test\""), text);
        assertTrue(text.contains("\"host\" : \"broker.example\""), text);
        assertTrue(!text.contains("hunter2"), text);
    }

    @Test
    void aBadConfigurationEndsWithStatus1AndOneLine() {
        assertEquals(1, run("list-plugins", "--set", "mqtt.port=0"));
        assertTrue(err.toString().startsWith("haste-gateway: invalid configuration: "), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }
}
