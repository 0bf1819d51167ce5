package io.hastegw.op.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A folder of cost tables, one file per model and device fingerprint:
 * {@code <first 16 hex digits of the model's sha-256>-<device key>.json}. Calibrating takes
 * seconds to minutes; the cache makes it once per device and model.
 */
public record CostCache(Path dir) {
    /** The default folder: {@code <java.io.tmpdir>/haste-gateway/cost} (the gateway's model.cost_cache default). */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "haste-gateway", "cost");
    }

    /** The table for {@code modelSha} on {@code device}, if one was stored and matches both. */
    public Optional<CostTable> find(String modelSha, Device device) throws IOException {
        Path file = file(modelSha, device);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        CostTable t = CostTable.read(file);
        return t.model().equals(modelSha) && t.device().equals(device) ? Optional.of(t) : Optional.empty();
    }

    /** Stores {@code table} and returns its file. */
    public Path store(CostTable table) throws IOException {
        Path file = file(table.model(), table.device());
        table.write(file);
        return file;
    }

    /** Where the table for {@code modelSha} on {@code device} lives. */
    public Path file(String modelSha, Device device) {
        return dir.resolve(modelSha.substring(0, 16) + "-" + device.key() + ".json");
    }

    /** The sha-256 of {@code file}, as 64 hex digits. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
