package io.hastegw.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/install.sh under a scratch root: what it changes the first time, nothing the second, config kept. */
class InstallScriptIT {
    private static final Path REPO = Path.of(System.getProperty("repo.root"));

    @TempDir
    Path root;

    private String install(String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", REPO.resolve("deploy/install.sh").toString(), "--root", root.toString(),
                "--jar", System.getProperty("gateway.jar")));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aSecondRunChangesNothingAndAnEditedConfigIsKept() throws Exception {
        String first = install();
        assertTrue(first.contains("install: create /usr/lib/haste-gateway/haste-gateway.jar (mode 0644)"), first);
        assertTrue(first.contains("install: create /usr/lib/haste-gateway/plugins/haste-plugin-top-k.jar (mode 0644)"), first);
        assertTrue(first.contains("install: create /usr/lib/haste-gateway/plugin-host/haste-plugin-host.jar (mode 0644)"), first);
        assertTrue(first.contains("install: create /etc/haste-gateway/plugins (mode 0755, owner root: the operator's plugins)"), first);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/haste-gateway/plugins"))));
        assertTrue(first.contains("install: create /etc/systemd/system/haste-gateway.service (mode 0644)"), first);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("usr/bin/haste-gateway"))));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/haste-gateway/config.yaml"))));
        Files.writeString(root.resolve("etc/haste-gateway/config.yaml"), "gateway_id: edited\n");
        String second = install();
        assertEquals("install: keep existing /etc/haste-gateway/config.yaml\ninstall: nothing to change\n", second);
        assertEquals("gateway_id: edited\n", Files.readString(root.resolve("etc/haste-gateway/config.yaml")));
    }

    @Test
    void aDryRunSaysWhatItWouldDoAndDoesNothing() throws Exception {
        String out = install("--dry-run");
        assertTrue(out.contains("install: create /usr/bin/haste-op (mode 0755)"), out);
        assertTrue(Files.notExists(root.resolve("usr")), "nothing installed");
    }
}
