package io.hastegw.op.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.onnx.OrtModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The native HASTE kernel: an ONNX Runtime custom-operator library ({@code haste-op/native},
 * operator {@value #OP_TYPE} in domain {@value #DOMAIN}) that does a layer's centring, hashing,
 * bucketing, input merging and filter merging in one node. The jar carries it for linux-x86_64 and
 * linux-aarch64; {@link #load()} extracts the one for this machine and checks that ONNX Runtime
 * accepts it (the library refuses runtimes older than 1.16 and checks the API table).
 *
 * @param library the extracted shared library
 */
public record NativeKernel(Path library) {
    /** Custom-operator domain of the kernel. */
    public static final String DOMAIN = "io.hastegw.haste";
    /** Operator type of the fused hash-and-merge node. */
    public static final String OP_TYPE = "HasteMerge";
    /** System property naming a library file to use instead of the bundled one (tests, custom builds). */
    public static final String LIBRARY_PROPERTY = "haste.native.library";

    /**
     * The outcome of loading: the kernel, or why there is none.
     *
     * @param kernel the loaded kernel, empty when unavailable
     * @param reason why it is unavailable (empty string when loaded)
     */
    public record Availability(Optional<NativeKernel> kernel, String reason) {
        /** A one-line description for logs and status: "native" or "portable (reason)". */
        public String describe() {
            return kernel.isPresent() ? "native" : "portable (native kernel unavailable: " + reason + ")";
        }
    }

    /**
     * Finds the library for this machine (or the file named by {@value #LIBRARY_PROPERTY}), and
     * registers it once with throwaway session options to prove that ONNX Runtime loads it.
     */
    public static Availability load() {
        String platform = platform();
        try {
            Path library;
            String override = System.getProperty(LIBRARY_PROPERTY);
            if (override != null) {
                library = Path.of(override);
                if (!Files.isRegularFile(library)) {
                    return unavailable(LIBRARY_PROPERTY + " names " + library + ", which is not a file");
                }
            } else {
                library = extract(platform);
                if (library == null) {
                    return unavailable("no native kernel is bundled for " + platform);
                }
            }
            NativeKernel kernel = new NativeKernel(library);
            try (OrtSession.SessionOptions probe = OrtModels.options(1)) {
                kernel.register(probe);
            }
            return new Availability(Optional.of(kernel), "");
        } catch (IOException | OrtException | RuntimeException e) {
            return unavailable(String.valueOf(e.getMessage()).strip());
        }
    }

    /** Registers the kernel's operator with {@code options}; sessions created with them can run native HASTE models. */
    public void register(OrtSession.SessionOptions options) throws OrtException {
        options.registerCustomOpLibrary(library.toString());
    }

    private static Availability unavailable(String reason) {
        return new Availability(Optional.empty(), reason);
    }

    /** linux-x86_64, linux-aarch64, or the OS and architecture as Java names them. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return (os.contains("linux") ? "linux" : os.replace(' ', '_')) + "-" + a;
    }

    /** Copies the bundled library to a temporary file (deleted at exit); null when none is bundled. */
    private static Path extract(String platform) throws IOException {
        try (InputStream in = NativeKernel.class.getResourceAsStream("/native/" + platform + "/libhaste_ort.so")) {
            if (in == null) {
                return null;
            }
            Path file = Files.createTempFile("libhaste_ort-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }
}
