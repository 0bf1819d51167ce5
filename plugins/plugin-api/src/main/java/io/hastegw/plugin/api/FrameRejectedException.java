package io.hastegw.plugin.api;

/** A frame that cannot be processed; the daemon publishes it as an error event and goes on. */
public final class FrameRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    /** A rejection for {@code reason} with a message a camera operator can act on. */
    public FrameRejectedException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The machine-readable reason. */
    public RejectReason reason() {
        return reason;
    }
}
