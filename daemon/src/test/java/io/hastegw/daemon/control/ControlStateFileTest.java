package io.hastegw.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every problem with the state file names the file (the broker-backed cases are in ControlV2Test). */
class ControlStateFileTest {
    private static final ControlSettings DEFAULTS = new ControlSettings("auto", 0, 0, 7, "latency", 30, 80, true);

    @Test
    void aStateFileThatCannotBeReadIsNamedWithTheReason(@TempDir Path dir) throws Exception {
        Path file = Files.createDirectory(dir.resolve("control-state.json"));
        IOException e = assertThrows(IOException.class, () -> new ControlStateFile(file).read(DEFAULTS, 8, Set.of("latency")));
        assertTrue(e.getMessage().startsWith("control state file " + file + " cannot be read: java.io.IOException: Is a directory"),
                e.getMessage());
        assertEquals(IOException.class, e.getCause().getClass());
    }

    @Test
    void aCorruptFileKeepsTheParsersCause(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("control-state.json"), "{not json");
        IOException e = assertThrows(IOException.class, () -> new ControlStateFile(file).read(DEFAULTS, 8, Set.of("latency")));
        assertEquals("control state file " + file + " is corrupt (not JSON)", e.getMessage());
        assertTrue(e.getCause() != null);
    }
}
