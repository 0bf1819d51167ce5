package io.hastegw.op.onnx;

import java.nio.file.Path;

/** A model file that cannot be used: the message always names the file and says why. */
public final class OnnxModelException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the error for {@code file} with a reason a user can act on. */
    public OnnxModelException(Path file, String reason) {
        super(file + ": " + reason);
    }

    /** Same, keeping the underlying cause for the log. */
    public OnnxModelException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
    }
}
